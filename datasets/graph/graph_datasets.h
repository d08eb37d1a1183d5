#pragma once
/// Graph datasets by name, read from the data root (`data.name` in configs).

#include <filesystem>

#include "core/runtime/config.h"
#include "core/runtime/registry.h"
#include "datasets/graph/graph_data.h"

namespace moezoo::datasets::graph {

/// (data config, data root) -> graph
using GraphDatasetFactory = std::function<GraphData(const runtime::Config&, const std::filesystem::path&)>;

const runtime::Registry<GraphDatasetFactory>& graph_datasets();

/// Loads `data.name`; when its files are missing and `data.fallback_synthetic`
/// is true, warns and returns the synthetic graph instead.
GraphData load_graph_dataset(const runtime::Config& data_config, const std::filesystem::path& data_root);

}  // namespace moezoo::datasets::graph
