#pragma once
/// A user's own graph from plain text files (`data.name: edgelist`):
///   edges     one edge per line, "u v" or "u,v" (spaces or tabs also separate);
///             node ids are integers in [0, N); both directions, repeats and self
///             loops may appear, the graph is made undirected and simple
///   labels    N lines of one integer label (node i on the i-th data line), or
///             "node label" pairs naming every node 0..N-1 exactly once; N is the
///             number of nodes
///   features  optional: N rows of F numbers (a CSV). Without it every node gets a
///             one-hot identity vector (`identity`, F = N: a GCN then learns one
///             embedding per node, the usual featureless-graph baseline) or a
///             constant 1 (`constant`, F = 1: only the structure informs)
/// '#' starts a comment; a header line is allowed (see text_table.h). Errors name the
/// file and the line. There is no stored split: the split module makes one.

#include <cstdint>
#include <filesystem>
#include <string>

#include "datasets/graph/graph_data.h"

namespace moezoo::datasets::graph {

struct EdgeListOptions {
  std::filesystem::path edges;     ///< required
  std::filesystem::path labels;    ///< required
  std::filesystem::path features;  ///< optional
  /// Features when `features` is empty: "identity" or "constant".
  std::string default_features = "identity";
  /// identity features are [N, N] float32: beyond this many nodes that is an Error
  /// suggesting "constant" or a features file, rather than gigabytes of ones.
  int64_t max_identity_nodes = 16384;
};

GraphData load_edge_list(const EdgeListOptions& options);

}  // namespace moezoo::datasets::graph
