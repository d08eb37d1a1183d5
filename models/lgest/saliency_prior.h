#pragma once
/// The saliency half of LGEST's saliency-based router (Wen et al., arXiv 2603.24045:
/// LGES pairs "sparsely activated by a saliency-based router"). The paper names the
/// router but not its formula; ours scores every pixel token of a patch by its own
/// (normalised) features and by its contrast to the patch mean, and summarises the
/// patch by those scores:
///   c_n = |x_n - mean_m x_m|                                 contrast, [B, N, D]
///   s_n = w^T [LN(x_n) ; c_n]                                saliency logit, [B, N]
///   a   = softmax_n(s)                                       saliency map (sums to 1 per patch)
///   r   = [sum_n a_n LN(x_n) ; sum_n a_n c_n]                prior, [B, 2D]
/// r is the prior of the core's prior-guided router (core/routing/prior_router.h):
/// logits_e = (W_g x)_e + beta (W_p r)_e, then top-k. A patch whose pixels are all alike
/// has a uniform map (all contrasts are zero and all features equal).

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

namespace moezoo::models::lgest {

/// What the saliency scorer returns for a batch of token grids.
struct Saliency {
  at::Tensor map;    ///< [B, N] softmax over the pixels of each patch
  at::Tensor prior;  ///< [B, 2D] saliency-weighted features and contrasts
};

struct SaliencyPriorOptions {
  /* implicit */ SaliencyPriorOptions(int64_t dim) : dim_(dim) {}
  /// D, token width.
  TORCH_ARG(int64_t, dim);
};

class SaliencyPriorImpl : public torch::nn::Cloneable<SaliencyPriorImpl> {
 public:
  explicit SaliencyPriorImpl(SaliencyPriorOptions options);
  void reset() override;

  /// tokens: [B, N, D] -> Saliency{map [B, N], prior [B, 2D]}
  Saliency forward(const at::Tensor& tokens);
  /// Width of the prior, 2D.
  int64_t prior_dim() const { return 2 * options.dim(); }

  SaliencyPriorOptions options;
  torch::nn::LayerNorm norm{nullptr};
  torch::nn::Linear score{nullptr};  ///< [LN(x_n) ; c_n] (2D) -> 1
};
TORCH_MODULE(SaliencyPrior);

}  // namespace moezoo::models::lgest
