#pragma once
/// The symmetric normalised adjacency with self loops that GCN propagates over:
///   A_hat = D^{-1/2} (A + I) D^{-1/2},  D_ii = 1 + deg(i).

#include <ATen/core/Tensor.h>

namespace moezoo::models::geomoe {

/// edge_index: [2, E] int64 (both directions) -> sparse COO [N, N] float32, coalesced.
at::Tensor normalized_adjacency(const at::Tensor& edge_index, int64_t num_nodes);

}  // namespace moezoo::models::geomoe
