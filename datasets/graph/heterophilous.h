#pragma once
/// The heterophilous benchmark graphs as yandex-research/heterophilous-graphs ships
/// them (Platonov et al., "A critical look at the evaluation of GNNs under
/// heterophily", ICLR 2023): .npz with node_features [N,F] float32, node_labels [N]
/// int64, edges [E,2] int64 and train_masks/val_masks/test_masks [S,N] bool, S = 10.
///
/// Edges are stored once per undirected edge in the plain files and as arcs (with
/// self loops and reciprocal pairs) in the *_directed ones. GraphData's edge_index is
/// undirected by contract, so both are symmetrised with self loops and repeats
/// removed; a *_directed file then gives exactly the graph of its undirected twin
/// (checked in the tests for chameleon and squirrel), and the direction is not kept.
/// texas_4_classes keeps all five label values of texas, but its one node of class 1
/// is in no split, so class 1 is never trained on or scored.

#include <cstdint>
#include <filesystem>

#include "datasets/graph/graph_data.h"

namespace moezoo::datasets::graph {

/// Reads one file with its stored split `split_index` (in [0, S)) as the masks and
/// num_stored_splits = S. Errors name the file and the key (missing array, wrong
/// shape, edge outside [0, N), split index out of range, corrupt archive).
GraphData load_heterophilous_npz(const std::filesystem::path& path, int64_t split_index = 0);

}  // namespace moezoo::datasets::graph
