#include "datasets/graph_structure/graph_curvature.h"

#include "datasets/graph_structure/forman.h"

namespace moezoo::datasets::graph_structure {

GraphCurvature compute_graph_curvature(const SimpleGraph& graph, const OllivierRicciOptions& options) {
  GraphCurvature curvature;
  curvature.ollivier_ricci = ollivier_ricci(graph, options);
  auto forman = forman_curvature(graph);
  curvature.forman = std::move(forman.forman);
  curvature.forman_augmented = std::move(forman.augmented);
  fill_node_curvature(graph, curvature);
  return curvature;
}

void fill_node_curvature(const SimpleGraph& graph, GraphCurvature& curvature) {
  curvature.node_ollivier_ricci = node_curvature(graph, curvature.ollivier_ricci);
  curvature.node_forman = node_curvature(graph, curvature.forman);
  curvature.node_forman_augmented = node_curvature(graph, curvature.forman_augmented);
}

}  // namespace moezoo::datasets::graph_structure
