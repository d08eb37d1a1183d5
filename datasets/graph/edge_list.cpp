#include "datasets/graph/edge_list.h"

#include <ATen/ATen.h>

#include <vector>

#include "core/util/error.h"
#include "datasets/graph/text_table.h"

namespace moezoo::datasets::graph {

namespace fs = std::filesystem;

namespace {

at::Tensor read_labels(const fs::path& path) {
  const auto table = read_text_table(path);
  check_input(!table.rows.empty(), path.string(), "no labels (expected one integer label per node)");
  const size_t columns = table.rows.front().fields.size();
  check_input(columns == 1 || columns == 2, row_location(path, table.rows.front()),
              "expected 'label' or 'node label', found " + std::to_string(columns) + " fields");
  const int64_t n = static_cast<int64_t>(table.rows.size());
  std::vector<int64_t> labels(static_cast<size_t>(n), -1);
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const auto& row = table.rows[i];
    const auto where = row_location(path, row);
    check_input(row.fields.size() == columns, where,
                "expected " + std::to_string(columns) + " fields like the first row, found " +
                    std::to_string(row.fields.size()));
    int64_t node = static_cast<int64_t>(i);
    if (columns == 2) {
      node = parse_int_field(row.fields[0], where);
      check_input(node >= 0 && node < n, where,
                  "node " + std::to_string(node) + " outside [0, " + std::to_string(n) +
                      ") (the file has " + std::to_string(n) + " rows, one per node)");
      check_input(labels[static_cast<size_t>(node)] < 0, where, "node " + std::to_string(node) + " is labelled twice");
    }
    const int64_t label = parse_int_field(row.fields[columns - 1], where);
    check_input(label >= 0, where, "negative label " + std::to_string(label));
    labels[static_cast<size_t>(node)] = label;
  }
  return at::tensor(labels, at::kLong);
}

at::Tensor read_edges(const fs::path& path, int64_t n) {
  const auto table = read_text_table(path);
  std::vector<int64_t> pairs;
  pairs.reserve(table.rows.size() * 2);
  for (const auto& row : table.rows) {
    const auto where = row_location(path, row);
    check_input(row.fields.size() == 2, where,
                "expected two node ids 'u v' or 'u,v', found " + std::to_string(row.fields.size()) +
                    " fields (edge weights are not supported)");
    for (const auto& field : row.fields) {
      const int64_t node = parse_int_field(field, where);
      check_input(node >= 0 && node < n, where,
                  "node " + std::to_string(node) + " outside [0, " + std::to_string(n) + ") (N = the number of labels)");
      pairs.push_back(node);
    }
  }
  auto tensor = at::tensor(pairs, at::kLong).view({-1, 2}).t();
  return undirected_edge_index(tensor, n, path.string());
}

at::Tensor read_features(const fs::path& path, int64_t n) {
  const auto table = read_text_table(path);
  check_input(static_cast<int64_t>(table.rows.size()) == n, path.string(),
              std::to_string(table.rows.size()) + " feature rows for " + std::to_string(n) + " labelled nodes");
  const int64_t f = static_cast<int64_t>(table.rows.front().fields.size());
  auto x = at::empty({n, f}, at::kFloat);
  auto acc = x.accessor<float, 2>();
  for (int64_t i = 0; i < n; ++i) {
    const auto& row = table.rows[static_cast<size_t>(i)];
    const auto where = row_location(path, row);
    check_input(static_cast<int64_t>(row.fields.size()) == f, where,
                "expected " + std::to_string(f) + " values like the first row, found " + std::to_string(row.fields.size()));
    for (int64_t j = 0; j < f; ++j)
      acc[i][j] = static_cast<float>(parse_number_field(row.fields[static_cast<size_t>(j)], where));
  }
  return x;
}

}  // namespace

GraphData load_edge_list(const EdgeListOptions& o) {
  check_input(!o.edges.empty(), "data.edges", "the edge list file is required for data.name=edgelist");
  check_input(!o.labels.empty(), "data.labels", "the labels file is required for data.name=edgelist");
  GraphData g;
  g.name = o.edges.stem().string();
  g.y = read_labels(o.labels);
  const int64_t n = g.y.size(0);
  g.num_classes = g.y.max().item<int64_t>() + 1;
  g.edge_index = read_edges(o.edges, n);
  if (!o.features.empty()) {
    g.x = read_features(o.features, n);
  } else if (o.default_features == "identity") {
    check_input(n <= o.max_identity_nodes, "data.default_features",
                "identity features for " + std::to_string(n) + " nodes would be an [N, N] matrix; give data.features "
                "or use data.default_features=constant");
    g.x = at::eye(n, at::kFloat);
  } else if (o.default_features == "constant") {
    g.x = at::ones({n, 1}, at::kFloat);
  } else {
    throw Error("data.default_features: unknown value '" + o.default_features + "' (expected identity or constant)");
  }
  g.num_stored_splits = 0;
  return g;
}

}  // namespace moezoo::datasets::graph
