#include "datasets/graph/graph_datasets.h"

#include <iostream>

#include "core/util/error.h"
#include "datasets/graph/planetoid.h"
#include "datasets/graph/synthetic_graph.h"

namespace moezoo::datasets::graph {

namespace fs = std::filesystem;

namespace {

GraphDatasetFactory planetoid(const std::string& name) {
  return [name](const runtime::Config&, const fs::path& root) {
    const fs::path path = root / "graph" / "planetoid" / (name + ".npz");
    check_input(fs::exists(path), path.string(),
                "not found; point --data-root or MOEZOO_DATA at the data folder (it needs graph/planetoid/" + name +
                    ".npz), or use data.name=synthetic");
    return load_planetoid_npz(path);
  };
}

GraphData synthetic(const runtime::Config& c, const fs::path&) {
  SyntheticGraphOptions d;
  SyntheticGraphOptions o;
  o.nodes = c.get<int64_t>("synthetic.nodes", d.nodes);
  o.classes = c.get<int64_t>("synthetic.classes", d.classes);
  o.features = c.get<int64_t>("synthetic.features", d.features);
  o.seed = static_cast<uint64_t>(c.get<int64_t>("synthetic.seed", 0));
  return make_synthetic_graph(o);
}

}  // namespace

const runtime::Registry<GraphDatasetFactory>& graph_datasets() {
  static const runtime::Registry<GraphDatasetFactory> registry(
      "dataset", {
                     {"cora", "Planetoid Cora, public split (2708 nodes, 7 classes)", planetoid("cora")},
                     {"citeseer", "Planetoid CiteSeer, public split (3327 nodes, 6 classes)", planetoid("citeseer")},
                     {"synthetic", "stochastic block model with prototype features (no files needed)", synthetic},
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
  if (normalize) row_normalize_features(graph);
  return graph;
}

}  // namespace moezoo::datasets::graph
