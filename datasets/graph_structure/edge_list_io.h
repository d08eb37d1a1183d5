#pragma once
/// Text edge lists in, curvature CSV out: the file formats of moezoo-graph-curvature
/// and of the Python checks that drive it.

#include <cstdint>
#include <filesystem>

#include "datasets/graph_structure/graph_curvature.h"
#include "datasets/graph_structure/simple_graph.h"

namespace moezoo::datasets::graph_structure {

/// Reads one edge per line, "u v" or "u,v" (spaces or tabs also separate), optionally
/// with a third column, the edge length ("u v w"); every line must have the same number
/// of columns. Blank lines and lines starting with '#' are skipped. Node ids are
/// integers in [0, num_nodes); with num_nodes < 0 the graph has max id + 1 nodes.
/// Pairs merge as in SimpleGraph::from_directed_pairs (both directions, repeats, self
/// loops). Errors are one line naming the file and line ("edges.txt:12: ...").
SimpleGraph read_edge_list(const std::filesystem::path& path, int64_t num_nodes = -1);

/// Writes "u,v,ollivier_ricci,forman,forman_augmented" per edge (the order of
/// graph.edges(), u < v), each value as the shortest text that reads back exactly; atomic.
void write_edge_curvature_csv(const std::filesystem::path& path, const SimpleGraph& graph,
                              const GraphCurvature& curvature);

/// Writes "node,degree,ollivier_ricci,forman,forman_augmented" per node (means over
/// incident edges, 0 for isolated nodes); atomic.
void write_node_curvature_csv(const std::filesystem::path& path, const SimpleGraph& graph,
                              const GraphCurvature& curvature);

}  // namespace moezoo::datasets::graph_structure
