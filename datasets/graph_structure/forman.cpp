#include "datasets/graph_structure/forman.h"

#include "datasets/graph_structure/boost_graph.h"

namespace moezoo::datasets::graph_structure {

namespace {

std::vector<int64_t> triangles_on(const SimpleGraph& graph, const BoostGraph& boost_graph) {
  std::vector<int64_t> triangles(graph.edges().size());
  for (size_t e = 0; e < graph.edges().size(); ++e) {
    auto [a, a_end] = neighbor_range(boost_graph, static_cast<Vertex>(graph.edges()[e].u));
    auto [b, b_end] = neighbor_range(boost_graph, static_cast<Vertex>(graph.edges()[e].v));
    int64_t common = 0;
    while (a != a_end && b != b_end) {
      if (*a < *b) {
        ++a;
      } else if (*b < *a) {
        ++b;
      } else {
        ++common;
        ++a;
        ++b;
      }
    }
    triangles[e] = common;
  }
  return triangles;
}

}  // namespace

std::vector<int64_t> edge_triangles(const SimpleGraph& graph) { return triangles_on(graph, make_boost_graph(graph)); }

FormanCurvature forman_curvature(const SimpleGraph& graph) {
  const BoostGraph boost_graph = make_boost_graph(graph);
  const auto triangles = triangles_on(graph, boost_graph);
  FormanCurvature result;
  result.forman.resize(graph.edges().size());
  result.augmented.resize(graph.edges().size());
  for (size_t e = 0; e < graph.edges().size(); ++e) {
    const auto& edge = graph.edges()[e];
    const auto du = static_cast<double>(degree(boost_graph, static_cast<Vertex>(edge.u)));
    const auto dv = static_cast<double>(degree(boost_graph, static_cast<Vertex>(edge.v)));
    result.forman[e] = 4.0 - du - dv;
    result.augmented[e] = result.forman[e] + 3.0 * static_cast<double>(triangles[e]);
  }
  return result;
}

}  // namespace moezoo::datasets::graph_structure
