#pragma once
/// A node-classification graph as tensors, the form every graph model reads.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace moezoo::datasets::graph {

struct GraphData {
  std::string name;
  at::Tensor x;           ///< [N, F] float32 node features
  at::Tensor y;           ///< [N] int64 labels in [0, num_classes)
  at::Tensor edge_index;  ///< [2, E] int64, both directions, no self loops
  at::Tensor train_mask;  ///< [N] bool
  at::Tensor val_mask;    ///< [N] bool
  at::Tensor test_mask;   ///< [N] bool
  int64_t num_classes = 0;

  int64_t num_nodes() const { return x.size(0); }
  int64_t num_features() const { return x.size(1); }
  int64_t num_edges() const { return edge_index.size(1); }
};

/// Scales each feature row to sum 1 (rows of zeros stay zero), as Kipf & Welling
/// and PyTorch Geometric's NormalizeFeatures do for the bag-of-words Planetoid features.
void row_normalize_features(GraphData& graph);

/// Checks shapes, dtypes, label range and edge bounds; errors name `where`.
void validate(const GraphData& graph, const std::string& where);

}  // namespace moezoo::datasets::graph
