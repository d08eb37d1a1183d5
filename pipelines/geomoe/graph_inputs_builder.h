#pragma once
/// Builds the models' GraphInputs from a dataset graph: the normalised adjacency
/// and, for models that need it, Ollivier-Ricci curvature per edge (exact optimal
/// transport, datasets/graph_structure, cached on disk by graph content) and the
/// per-node curvature statistics.

#include <filesystem>

#include "datasets/graph/graph_data.h"
#include "datasets/graph_structure/ollivier_ricci.h"
#include "models/geomoe/node_classifier.h"

namespace moezoo::pipelines::geomoe {

struct CurvatureSettings {
  bool needed = false;
  datasets::graph_structure::OllivierRicciOptions orc;
  std::filesystem::path cache_dir;  ///< empty: the default cache directory
};

/// graph -> inputs on the CPU; logs one line when curvature is computed or read.
models::geomoe::GraphInputs build_graph_inputs(const datasets::graph::GraphData& graph,
                                               const CurvatureSettings& curvature);

/// Ollivier-Ricci curvature of every directed edge of graph.edge_index: [E] float64.
at::Tensor edge_ollivier_ricci(const datasets::graph::GraphData& graph, const CurvatureSettings& curvature);

}  // namespace moezoo::pipelines::geomoe
