#pragma once
/// Every curvature of a graph in one record: what loaders, the cache and the
/// moezoo-graph-curvature tool pass around.

#include <vector>

#include "datasets/graph_structure/ollivier_ricci.h"
#include "datasets/graph_structure/simple_graph.h"

namespace moezoo::datasets::graph_structure {

struct GraphCurvature {
  // Per edge, aligned with SimpleGraph::edges().
  std::vector<double> ollivier_ricci;    ///< kappa(x, y), see ollivier_ricci.h
  std::vector<double> forman;            ///< 4 - deg(x) - deg(y)
  std::vector<double> forman_augmented;  ///< forman + 3 * triangles(x, y)
  // Per node: means over incident edges (0 for isolated nodes), see node_curvature().
  std::vector<double> node_ollivier_ricci;
  std::vector<double> node_forman;
  std::vector<double> node_forman_augmented;
};

/// Computes Ollivier-Ricci (with `options`) and both Forman variants.
GraphCurvature compute_graph_curvature(const SimpleGraph& graph, const OllivierRicciOptions& options);

/// Fills the node means from the edge values already in `curvature`.
void fill_node_curvature(const SimpleGraph& graph, GraphCurvature& curvature);

}  // namespace moezoo::datasets::graph_structure
