#pragma once
/// Stochastic depth (Huang et al., "Deep Networks with Stochastic Depth", ECCV 2016),
/// per sample as timm's `drop_path`: in training every sample's residual branch is
/// kept with probability q = 1 - p and then scaled by 1/q, so its expectation is
/// unchanged and evaluation needs no rescaling:
///   y_b = x_b * m_b / q,   m_b ~ Bernoulli(q)
/// The identity in evaluation or when p = 0.

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

#include <ostream>

namespace moezoo::core {

/// x: [B, ...] -> [B, ...]: one Bernoulli draw per sample (first dimension), from the
/// global generator. p in [0, 1]; with scale_by_keep = false the kept samples are not
/// rescaled (timm's option).
at::Tensor drop_path(const at::Tensor& x, double p, bool training, bool scale_by_keep = true);

struct DropPathOptions {
  /* implicit */ DropPathOptions(double p = 0.0) : p_(p) {}
  /// Probability of dropping a sample's branch.
  TORCH_ARG(double, p);
  TORCH_ARG(bool, scale_by_keep) = true;
};

class DropPathImpl : public torch::nn::Cloneable<DropPathImpl> {
 public:
  explicit DropPathImpl(DropPathOptions options = {});
  void reset() override;
  /// x: [B, ...] -> [B, ...]
  at::Tensor forward(const at::Tensor& x);
  void pretty_print(std::ostream& stream) const override;

  DropPathOptions options;
};
TORCH_MODULE(DropPath);

}  // namespace moezoo::core
