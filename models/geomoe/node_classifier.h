#pragma once
/// The interface every graph model of the GeoMoE pipeline implements, so that
/// GeoMoE and its baselines (MLP, GCN, ...) train and evaluate through one task.

#include <torch/nn/module.h>

#include "core/moe/aux_losses.h"

namespace moezoo::models::geomoe {

class NodeClassifier : public torch::nn::Module {
 public:
  /// x: [N, F] features, adj: [N, N] sparse normalised adjacency -> logits [N, C].
  virtual at::Tensor forward(const at::Tensor& x, const at::Tensor& adj) = 0;
  /// Auxiliary losses of the last forward (MoE balancing, alignment); none by default.
  virtual core::AuxLosses aux_losses() const { return {}; }
};

}  // namespace moezoo::models::geomoe
