#pragma once
/// The symmetric normalised adjacency with self loops that GCN propagates over:
///   A_hat = D^{-1/2} (A + I) D^{-1/2},  D_ii = 1 + deg(i).

#include <ATen/core/Tensor.h>

namespace moezoo::models::geomoe {

/// edge_index: [2, E] int64 (both directions) -> sparse COO [N, N] float32, coalesced.
at::Tensor normalized_adjacency(const at::Tensor& edge_index, int64_t num_nodes);

/// Personalized-PageRank propagation (APPNP, Gasteiger et al., ICLR 2019, eq. 3):
///   z_0 = h,  z_{s+1} = (1 - alpha) A_hat z_s + alpha h,  returns z_steps.
/// steps = 1 with alpha = 0 is one GCN propagation, A_hat h.
/// adj: sparse [N, N], h: [N, D] -> [N, D]
at::Tensor ppr_propagate(const at::Tensor& adj, const at::Tensor& h, int64_t steps, double alpha);

}  // namespace moezoo::models::geomoe
