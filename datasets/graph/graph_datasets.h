#pragma once
/// Graph datasets by name, read from the data root (`data.name` in configs).
///
/// | names | files under <root>/graph/ | default split |
/// |---|---|---|
/// | cora, citeseer, pubmed | planetoid/<name>.npz | public (Yang et al. 2016) |
/// | gnn_cora, gnn_citeseer | gnn_benchmark/{cora,citeseer}.npz | random_per_class |
/// | texas, cornell, wisconsin, actor, chameleon(_filtered)(_directed), squirrel(...), minesweeper, tolokers, texas_4_classes | heterophilous/<name>.npz | stored split data.split_index (0-9) |
/// | edgelist | data.edges, data.labels, data.features (see edge_list.h) | random_per_class |
/// | synthetic | none (synthetic.* keys, see synthetic_graph.h) | its own public-style split |
///
/// `data.split` overrides the default (see node_splits.h for the keys). The loaded
/// GraphData says how many splits its file stores (num_stored_splits), so that a
/// benchmark over "the 10 splits" loops data.split_index over them.

#include <filesystem>
#include <functional>

#include "core/runtime/config.h"
#include "core/runtime/registry.h"
#include "datasets/graph/graph_data.h"

namespace moezoo::datasets::graph {

/// (data config, data root) -> graph with its split applied
using GraphDatasetFactory = std::function<GraphData(const runtime::Config&, const std::filesystem::path&)>;

const runtime::Registry<GraphDatasetFactory>& graph_datasets();

/// Loads `data.name` with its split; when its files are missing and
/// `data.fallback_synthetic` is true, warns and returns the synthetic graph instead.
/// Features are row-normalised unless `data.normalize_features` is false.
GraphData load_graph_dataset(const runtime::Config& data_config, const std::filesystem::path& data_root);

}  // namespace moezoo::datasets::graph
