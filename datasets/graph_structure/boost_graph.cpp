#include "datasets/graph_structure/boost_graph.h"

#include <algorithm>
#include <vector>

namespace moezoo::datasets::graph_structure {

BoostGraph make_boost_graph(const SimpleGraph& graph) {
  struct Arc {
    Vertex source, target;
    ArcProperty property;
  };
  std::vector<Arc> arcs;
  arcs.reserve(2 * graph.edges().size());
  for (size_t e = 0; e < graph.edges().size(); ++e) {
    const auto& edge = graph.edges()[e];
    const ArcProperty property{static_cast<int64_t>(e), graph.weight(static_cast<int64_t>(e))};
    arcs.push_back({static_cast<Vertex>(edge.u), static_cast<Vertex>(edge.v), property});
    arcs.push_back({static_cast<Vertex>(edge.v), static_cast<Vertex>(edge.u), property});
  }
  // (source, target) pairs are unique in a simple graph, so this order is total.
  std::sort(arcs.begin(), arcs.end(), [](const Arc& a, const Arc& b) {
    return a.source < b.source || (a.source == b.source && a.target < b.target);
  });
  std::vector<std::pair<Vertex, Vertex>> pairs(arcs.size());
  std::vector<ArcProperty> properties(arcs.size());
  for (size_t i = 0; i < arcs.size(); ++i) {
    pairs[i] = {arcs[i].source, arcs[i].target};
    properties[i] = arcs[i].property;
  }
  return BoostGraph(boost::edges_are_sorted, pairs.begin(), pairs.end(), properties.begin(),
                    static_cast<BoostGraph::vertices_size_type>(graph.num_nodes()));
}

}  // namespace moezoo::datasets::graph_structure
