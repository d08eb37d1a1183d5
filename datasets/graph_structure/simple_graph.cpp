#include "datasets/graph_structure/simple_graph.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/util/error.h"
#include "datasets/graph_structure/number_text.h"

namespace moezoo::datasets::graph_structure {

namespace {

std::string pair_text(int64_t u, int64_t v) { return "(" + std::to_string(u) + ", " + std::to_string(v) + ")"; }

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

}  // namespace

SimpleGraph SimpleGraph::from_directed_pairs(int64_t num_nodes, const int64_t* src, const int64_t* dst, int64_t count,
                                             const double* weights, const std::string& where) {
  check_input(num_nodes >= 0, where, "num_nodes must be >= 0, got " + std::to_string(num_nodes));
  check_input(count >= 0, where, "negative edge count " + std::to_string(count));
  struct Arc {
    Edge edge;
    double weight;
  };
  std::vector<Arc> arcs;
  arcs.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    const int64_t a = src[i], b = dst[i];
    // Messages are built only on failure: this loop runs once per edge.
    if (a < 0 || a >= num_nodes || b < 0 || b >= num_nodes)
      throw Error(where + ": edge " + std::to_string(i) + " " + pair_text(a, b) + " has a node outside [0, " +
                  std::to_string(num_nodes) + ")");
    const double w = weights ? weights[i] : 1.0;
    if (!(std::isfinite(w) && w > 0))
      throw Error(where + ": edge " + std::to_string(i) + " " + pair_text(a, b) + " has weight " + number_text(w) +
                  " (lengths must be finite and > 0)");
    if (a == b) continue;  // self loops carry no curvature and are not part of a simple graph
    arcs.push_back({{std::min(a, b), std::max(a, b)}, w});
  }
  // Stable: with equal weights on all copies the merged edge is the same whatever the order.
  std::stable_sort(arcs.begin(), arcs.end(), [](const Arc& x, const Arc& y) { return x.edge < y.edge; });

  SimpleGraph graph;
  graph.num_nodes_ = num_nodes;
  for (size_t i = 0; i < arcs.size(); ++i) {
    if (i > 0 && arcs[i].edge == arcs[i - 1].edge) {
      if (!same_bits(arcs[i].weight, arcs[i - 1].weight))
        throw Error(where + ": edge " + pair_text(arcs[i].edge.u, arcs[i].edge.v) + " appears with different weights " +
                    number_text(arcs[i - 1].weight) + " and " + number_text(arcs[i].weight));
      continue;
    }
    graph.edges_.push_back(arcs[i].edge);
    if (weights) graph.weights_.push_back(arcs[i].weight);
  }
  return graph;
}

SimpleGraph SimpleGraph::from_edges(int64_t num_nodes, const std::vector<Edge>& edges,
                                    const std::vector<double>& weights, const std::string& where) {
  check_input(weights.empty() || weights.size() == edges.size(), where,
              std::to_string(weights.size()) + " weights for " + std::to_string(edges.size()) + " edges");
  std::vector<int64_t> src(edges.size()), dst(edges.size());
  for (size_t i = 0; i < edges.size(); ++i) {
    src[i] = edges[i].u;
    dst[i] = edges[i].v;
  }
  return from_directed_pairs(num_nodes, src.data(), dst.data(), static_cast<int64_t>(edges.size()),
                             weights.empty() ? nullptr : weights.data(), where);
}

std::vector<int64_t> SimpleGraph::degrees() const {
  std::vector<int64_t> degree(static_cast<size_t>(num_nodes_), 0);
  for (const auto& e : edges_) {
    ++degree[static_cast<size_t>(e.u)];
    ++degree[static_cast<size_t>(e.v)];
  }
  return degree;
}

int64_t SimpleGraph::find_edge(int64_t u, int64_t v) const {
  const Edge key{std::min(u, v), std::max(u, v)};
  const auto it = std::lower_bound(edges_.begin(), edges_.end(), key);
  return it != edges_.end() && *it == key ? static_cast<int64_t>(it - edges_.begin()) : -1;
}

std::vector<int64_t> SimpleGraph::edge_ids(const int64_t* src, const int64_t* dst, int64_t count,
                                           const std::string& where) const {
  std::vector<int64_t> ids(static_cast<size_t>(std::max<int64_t>(count, 0)));
  for (int64_t i = 0; i < count; ++i) {
    if (src[i] == dst[i]) {
      ids[static_cast<size_t>(i)] = -1;
      continue;
    }
    const int64_t id = find_edge(src[i], dst[i]);
    if (id < 0)
      throw Error(where + ": pair " + std::to_string(i) + " " + pair_text(src[i], dst[i]) + " is not an edge of the graph");
    ids[static_cast<size_t>(i)] = id;
  }
  return ids;
}

}  // namespace moezoo::datasets::graph_structure
