#pragma once
/// Planetoid citation graphs (Cora, CiteSeer, PubMed) stored as .npz with keys
/// x [N,F] float32, y [N] int64, edge_index [2,E] int64, train/val/test_mask [N]
/// bool -- the public split of Yang et al. 2016 as PyTorch Geometric builds it.

#include <filesystem>

#include "datasets/graph/graph_data.h"

namespace moezoo::datasets::graph {

/// Reads and validates one Planetoid .npz; errors name the file and the key.
GraphData load_planetoid_npz(const std::filesystem::path& path);

}  // namespace moezoo::datasets::graph
