#include "datasets/graph/graph_datasets.h"

#include <iostream>

#include "core/util/error.h"
#include "datasets/graph/edge_list.h"
#include "datasets/graph/gnn_benchmark.h"
#include "datasets/graph/heterophilous.h"
#include "datasets/graph/node_splits.h"
#include "datasets/graph/planetoid.h"
#include "datasets/graph/synthetic_graph.h"

namespace moezoo::datasets::graph {

namespace fs = std::filesystem;

namespace {

fs::path require_file(const fs::path& root, const std::string& relative) {
  const fs::path path = root / relative;
  check_input(fs::exists(path), path.string(),
              "not found; point --data-root or MOEZOO_DATA at the data folder (it needs " + relative +
                  "), or use data.name=synthetic");
  return path;
}

GraphDatasetFactory planetoid(const std::string& name) {
  return [name](const runtime::Config& c, const fs::path& root) {
    const auto split = node_split_options(c, SplitKind::Stored);
    const auto path = require_file(root, "graph/planetoid/" + name + ".npz");
    auto g = load_planetoid_npz(path);
    apply_node_split(g, split, path.string());
    return g;
  };
}

GraphDatasetFactory gnn_benchmark(const std::string& file) {
  return [file](const runtime::Config& c, const fs::path& root) {
    const auto split = node_split_options(c, SplitKind::RandomPerClass);
    const auto path = require_file(root, "graph/gnn_benchmark/" + file + ".npz");
    auto g = load_gnn_benchmark_npz(path);
    g.name = "gnn_" + file;
    apply_node_split(g, split, path.string());
    return g;
  };
}

GraphDatasetFactory heterophilous(const std::string& name) {
  return [name](const runtime::Config& c, const fs::path& root) {
    const auto split = node_split_options(c, SplitKind::Stored);
    const auto path = require_file(root, "graph/heterophilous/" + name + ".npz");
    auto g = load_heterophilous_npz(path, split.kind == SplitKind::Stored ? split.split_index : 0);
    apply_node_split(g, split, path.string());
    return g;
  };
}

/// `key` as a path: absolute as given; relative under the data root when it is there,
/// else relative to the working directory.
fs::path data_file(const runtime::Config& c, const std::string& key, const fs::path& root, bool required) {
  const auto value = required ? c.get<std::string>(key) : c.get<std::string>(key, "");
  if (value.empty()) return {};
  const fs::path path(value);
  if (path.is_absolute()) return path;
  if (!root.empty() && fs::exists(root / path)) return root / path;
  check_input(fs::exists(path), "data." + key,
              "'" + value + "' not found (looked under the data root '" + root.string() + "' and the working directory)");
  return path;
}

GraphData edgelist(const runtime::Config& c, const fs::path& root) {
  const auto split = node_split_options(c, SplitKind::RandomPerClass);
  EdgeListOptions o;
  o.edges = data_file(c, "edges", root, true);
  o.labels = data_file(c, "labels", root, true);
  o.features = data_file(c, "features", root, false);
  if (o.features.empty()) o.default_features = c.get<std::string>("default_features", o.default_features);
  auto g = load_edge_list(o);
  apply_node_split(g, split, o.edges.string());
  return g;
}

GraphData synthetic(const runtime::Config& c, const fs::path&) {
  const auto split = node_split_options(c, SplitKind::Stored);
  SyntheticGraphOptions o;
  o.nodes = c.get<int64_t>("synthetic.nodes", o.nodes);
  o.classes = c.get<int64_t>("synthetic.classes", o.classes);
  o.features = c.get<int64_t>("synthetic.features", o.features);
  o.intra_degree = c.get<double>("synthetic.intra_degree", o.intra_degree);
  o.inter_degree = c.get<double>("synthetic.inter_degree", o.inter_degree);
  o.tree_fraction = c.get<double>("synthetic.tree_fraction", o.tree_fraction);
  o.grid_fraction = c.get<double>("synthetic.grid_fraction", o.grid_fraction);
  o.class_word_fraction = c.get<double>("synthetic.class_word_fraction", o.class_word_fraction);
  o.word_rate = c.get<double>("synthetic.word_rate", o.word_rate);
  o.noise_rate = c.get<double>("synthetic.noise_rate", o.noise_rate);
  o.seed = static_cast<uint64_t>(c.get<int64_t>("synthetic.seed", 0));
  auto g = make_synthetic_graph(o);
  apply_node_split(g, split, "synthetic graph");
  return g;
}

runtime::Registry<GraphDatasetFactory>::Entry hetero(const std::string& name, const std::string& description) {
  return {name, description + " [heterophilous-graphs, 10 stored splits]", heterophilous(name)};
}

}  // namespace

const runtime::Registry<GraphDatasetFactory>& graph_datasets() {
  // Counts measured on the shared data with numpy (edges: undirected, after merging
  // directions and dropping self loops).
  static const runtime::Registry<GraphDatasetFactory> registry(
      "dataset",
      {
          {"cora", "Planetoid Cora, public split (2708 nodes, 5278 edges, 7 classes)", planetoid("cora")},
          {"citeseer", "Planetoid CiteSeer, public split (3327 nodes, 4552 edges, 6 classes)", planetoid("citeseer")},
          {"pubmed", "Planetoid PubMed, public split (19717 nodes, 3 classes; not in the shared test data)",
           planetoid("pubmed")},
          {"gnn_cora", "gnn-benchmark Cora, CSR (2708 nodes, 5278 edges, 7 classes), random_per_class split",
           gnn_benchmark("cora")},
          {"gnn_citeseer", "gnn-benchmark CiteSeer, CSR (3312 nodes, 4536 edges, 6 classes), random_per_class split",
           gnn_benchmark("citeseer")},
          hetero("texas", "WebKB Texas (183 nodes, 279 edges, 5 classes)"),
          hetero("texas_4_classes", "Texas whose 1-node class is in no split (183 nodes, 279 edges, 4 classes used)"),
          hetero("cornell", "WebKB Cornell (183 nodes, 277 edges, 5 classes)"),
          hetero("wisconsin", "WebKB Wisconsin (251 nodes, 450 edges, 5 classes)"),
          hetero("actor", "Actor co-occurrence (7600 nodes, 26659 edges, 5 classes)"),
          hetero("chameleon", "Wikipedia chameleon (2277 nodes, 31371 edges, 5 classes)"),
          hetero("chameleon_directed", "chameleon's arcs, symmetrised here: the chameleon graph"),
          hetero("chameleon_filtered", "chameleon without duplicate nodes (890 nodes, 8854 edges, 5 classes)"),
          hetero("chameleon_filtered_directed", "chameleon_filtered's arcs, symmetrised here: that graph"),
          hetero("squirrel", "Wikipedia squirrel (5201 nodes, 198353 edges, 5 classes)"),
          hetero("squirrel_directed", "squirrel's arcs, symmetrised here: the squirrel graph"),
          hetero("squirrel_filtered", "squirrel without duplicate nodes (2223 nodes, 46998 edges, 5 classes)"),
          hetero("squirrel_filtered_directed", "squirrel_filtered's arcs, symmetrised here: that graph"),
          hetero("minesweeper", "Minesweeper grid (10000 nodes, 39402 edges, 2 classes)"),
          hetero("tolokers", "Toloka workers (11758 nodes, 519000 edges, 2 classes)"),
          {"edgelist", "your own graph: data.edges, data.labels, data.features text files; random_per_class split",
           edgelist},
          {"synthetic", "SBM of trees, grids and dense communities, varied curvature (600 nodes; no files needed)",
           synthetic},
      });
  return registry;
}

GraphData load_graph_dataset(const runtime::Config& c, const fs::path& data_root) {
  const auto name = c.get<std::string>("name");
  const bool fallback = c.get<bool>("fallback_synthetic", false);
  const bool normalize = c.get<bool>("normalize_features", true);
  const auto& entry = graph_datasets().get(name);
  GraphData graph;
  try {
    graph = entry.factory(c, data_root);
  } catch (const Error& e) {
    if (!fallback || name == "synthetic") throw;
    std::cerr << "warning: " << e.what() << "\nwarning: training on the synthetic graph instead (data.fallback_synthetic)\n";
    graph = synthetic(c, data_root);
  }
  validate(graph, "data.name=" + name);
  if (normalize) row_normalize_features(graph);
  return graph;
}

}  // namespace moezoo::datasets::graph
