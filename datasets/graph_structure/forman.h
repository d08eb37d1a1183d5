#pragma once
/// Forman-Ricci curvature of every edge: the combinatorial, O(E * degree) alternative
/// to Ollivier-Ricci.

#include <vector>

#include <cstdint>

#include "datasets/graph_structure/simple_graph.h"

namespace moezoo::datasets::graph_structure {

/// Both variants per edge, aligned with graph.edges(). Edge lengths are ignored: these
/// are the unweighted forms (Sreejith et al. 2016 with unit node and edge weights).
struct FormanCurvature {
  /// Forman (2003) on the graph as a 1-complex: F(x, y) = 4 - deg(x) - deg(y).
  std::vector<double> forman;
  /// Augmented with triangles as 2-cells (Samal et al. 2018):
  /// F#(x, y) = 4 - deg(x) - deg(y) + 3 * #triangles containing (x, y).
  std::vector<double> augmented;
};

/// Computes both variants on the Boost.Graph view (built here).
FormanCurvature forman_curvature(const SimpleGraph& graph);

/// Number of triangles through each edge, aligned with graph.edges(): merges the sorted
/// neighbour lists of its endpoints, O(deg(u) + deg(v)) per edge.
std::vector<int64_t> edge_triangles(const SimpleGraph& graph);

}  // namespace moezoo::datasets::graph_structure
