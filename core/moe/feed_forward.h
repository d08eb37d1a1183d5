#pragma once
/// The feed-forward slot of a transformer block: a dense MLP or an MoE layer.
/// MoE layers report their auxiliary losses through `aux`.

#include <torch/nn/module.h>

#include "core/moe/aux_losses.h"

namespace moezoo::core {

class FeedForward : public torch::nn::Module {
 public:
  /// x: [..., D] -> [..., D]; adds auxiliary losses (if any) to *aux when aux is not null.
  virtual at::Tensor forward(const at::Tensor& x, AuxLosses* aux) = 0;
};

}  // namespace moezoo::core
