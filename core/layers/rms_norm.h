#pragma once
/// Root mean square layer normalisation (Zhang & Sennrich, "Root Mean Square Layer
/// Normalization", NeurIPS 2019), eq. 4:
///   y_i = x_i / RMS(x) * g_i,   RMS(x) = sqrt(mean_j x_j^2 + eps)
/// LayerNorm without the mean subtraction (re-centring) and without the bias: the
/// paper finds re-scaling invariance is what matters, at a lower cost.

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

#include <ostream>

namespace moezoo::core {

struct RMSNormOptions {
  /* implicit */ RMSNormOptions(int64_t dim) : dim_(dim) {}
  /// Size of the normalised (last) dimension.
  TORCH_ARG(int64_t, dim);
  /// Added to the mean square (1e-6 as in T5 and LLaMA).
  TORCH_ARG(double, eps) = 1e-6;
  /// Learn the gain g (initialised to 1).
  TORCH_ARG(bool, elementwise_affine) = true;
};

class RMSNormImpl : public torch::nn::Cloneable<RMSNormImpl> {
 public:
  explicit RMSNormImpl(RMSNormOptions options);
  void reset() override;
  /// x: [..., dim] -> [..., dim]
  at::Tensor forward(const at::Tensor& x);
  void pretty_print(std::ostream& stream) const override;

  RMSNormOptions options;
  /// g: [dim]; undefined without elementwise_affine.
  at::Tensor weight;
};
TORCH_MODULE(RMSNorm);

}  // namespace moezoo::core
