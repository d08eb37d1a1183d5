#pragma once
/// The Boost.Graph representation of a SimpleGraph that the structure computations
/// (local shortest paths, Ollivier-Ricci, Forman) run on, also usable with Boost.Graph's
/// own algorithms (breadth_first_search, dijkstra_shortest_paths, connected_components...).

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include <cstddef>
#include <cstdint>
#include <utility>

#include "datasets/graph_structure/simple_graph.h"

namespace moezoo::datasets::graph_structure {

/// Bundled property of each arc: its undirected edge's index in SimpleGraph::edges() and length.
struct ArcProperty {
  int64_t edge = 0;
  double weight = 1.0;
};

/// Compressed sparse rows holding both arcs u->v and v->u of every undirected edge, so a
/// directed CSR graph is the undirected graph for traversal. Out-neighbours of every
/// vertex are sorted by id (set intersections merge them), and the layout is contiguous
/// (neighbour scans are pointer walks, which the per-edge curvature loops depend on).
using BoostGraph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, ArcProperty>;
using Vertex = boost::graph_traits<BoostGraph>::vertex_descriptor;

/// Builds the CSR view: O(E log E), deterministic.
BoostGraph make_boost_graph(const SimpleGraph& graph);

/// Out-neighbours of `v` as a contiguous sorted range [first, second) of vertex ids, read
/// from the CSR arrays (public members of Boost's CSR graph) without iterator adaptors.
inline std::pair<const Vertex*, const Vertex*> neighbor_range(const BoostGraph& g, Vertex v) {
  const auto begin = g.m_forward.m_rowstart[v], end = g.m_forward.m_rowstart[v + 1];
  const Vertex* column = g.m_forward.m_column.data();
  return {column + begin, column + end};
}

/// Property (edge index, length) of the k-th out-arc of `v`, aligned with neighbor_range(g, v).
inline const ArcProperty& arc_property(const BoostGraph& g, Vertex v, size_t k) {
  return g[BoostGraph::edge_descriptor(v, g.m_forward.m_rowstart[v] + k)];
}

/// Degree of `v` (number of neighbours).
inline size_t degree(const BoostGraph& g, Vertex v) { return g.m_forward.m_rowstart[v + 1] - g.m_forward.m_rowstart[v]; }

}  // namespace moezoo::datasets::graph_structure
