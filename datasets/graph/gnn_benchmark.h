#pragma once
/// The graphs of shchur/gnn-benchmark (Shchur et al., "Pitfalls of Graph Neural
/// Network Evaluation", 2018) as .npz of scipy CSR matrices: adj_data/adj_indices/
/// adj_indptr/adj_shape (adjacency), attr_data/attr_indices/attr_indptr/attr_shape
/// (node attributes) and labels [N]; node_names/class_names are unicode arrays, which
/// are not read. These files carry no split: the split module makes one.
///
/// The adjacency is stored one-directional and unsorted (Cora: 5429 arcs for 5278
/// undirected edges; CiteSeer: 4715 arcs with 124 self loops). It becomes the
/// undirected edge_index contract: symmetrised, self loops and repeats removed, sorted.
/// Edge weights (adj_data) are dropped: every stored weight is 1 in these files.

#include <filesystem>

#include "datasets/graph/graph_data.h"

namespace moezoo::datasets::graph {

/// Reads one file: dense float32 features from the attribute CSR (repeated entries
/// add up, as scipy's todense does), undirected edges, int64 labels. The masks are
/// left undefined and num_stored_splits is 0. Errors name the file and the key.
GraphData load_gnn_benchmark_npz(const std::filesystem::path& path);

}  // namespace moezoo::datasets::graph
