#pragma once
/// A node-classification graph as tensors, the form every graph model reads.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace moezoo::datasets::graph {

/// One graph with ONE chosen split. Readers of files that store several splits
/// (heterophilous: 10) keep the row the config picked (`data.split_index`) and say
/// how many there are in `num_stored_splits`, so that a benchmark loops over
/// `data.split_index = 0 .. num_stored_splits - 1`, or over `data.split_seed` for
/// generated splits (num_stored_splits == 0, or `data.split` random_per_class/ratio).
struct GraphData {
  std::string name;
  at::Tensor x;           ///< [N, F] float32 node features
  at::Tensor y;           ///< [N] int64 labels in [0, num_classes)
  at::Tensor edge_index;  ///< [2, E] int64, both directions, no self loops
  at::Tensor train_mask;  ///< [N] bool
  at::Tensor val_mask;    ///< [N] bool
  at::Tensor test_mask;   ///< [N] bool
  int64_t num_classes = 0;
  /// Splits the source stores: Planetoid 1 (the public split), heterophilous 10,
  /// the synthetic graph 1 (its own public-style split), gnn-benchmark and edge lists 0.
  int64_t num_stored_splits = 0;
  /// Which split the masks hold, for logs and reports: "public", "stored 3 of 10",
  /// "random_per_class seed 0", "ratio 0.6/0.2 seed 4".
  std::string split;

  int64_t num_nodes() const { return x.size(0); }
  int64_t num_features() const { return x.size(1); }
  int64_t num_edges() const { return edge_index.size(1); }
};

/// Scales each feature row to sum 1 (rows of zeros stay zero), as Kipf & Welling
/// and PyTorch Geometric's NormalizeFeatures do for the bag-of-words Planetoid features.
void row_normalize_features(GraphData& graph);

/// Checks shapes, dtypes, label range and edge bounds; errors name `where`.
void validate(const GraphData& graph, const std::string& where);

/// The undirected simple graph of directed pairs: `pairs` [2, E] int64 (any order,
/// repeats, self loops) -> [2, E'] int64 holding every edge in both directions, once
/// each, without self loops, sorted by (source, target). Ids must lie in
/// [0, num_nodes); errors name `where`. This is the GraphData.edge_index contract,
/// so that readers of one-direction files (heterophilous, CSR upper triangles,
/// directed variants) all produce the same form.
at::Tensor undirected_edge_index(const at::Tensor& pairs, int64_t num_nodes, const std::string& where);

}  // namespace moezoo::datasets::graph
