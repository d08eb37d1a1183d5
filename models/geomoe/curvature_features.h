#pragma once
/// The per-node curvature statistics GeoMoE's gate reads: from the Ollivier-Ricci
/// curvature of each edge, for every node v over its incident edges
///   [mean, min, max, std]        (population std; all 0 for an isolated node)
/// Column 0, the mean, is the node curvature of the alignment and contrastive losses
/// (the "node curvature as the mean over incident edges").

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace moezoo::models::geomoe {

constexpr int64_t kCurvatureFeatures = 4;

/// edge_index: [2, E] (both directions), edge_curvature: [E] -> [N, 4] float32
at::Tensor node_curvature_features(const at::Tensor& edge_index, const at::Tensor& edge_curvature, int64_t num_nodes);

}  // namespace moezoo::models::geomoe
