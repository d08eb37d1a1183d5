#pragma once
/// A Local-Global Expert pair (LGES; Wen et al., arXiv 2603.24045: "Local-Global Expert
/// pairs, each a convolutional sub-expert (local texture) and a transformer sub-expert
/// (long range)"), as one expert of the core's HeterogeneousExperts. One expert input
/// row is a whole patch, the H x W grid of D-wide tokens flattened token-major, because
/// both sub-experts need the patch around a pixel, which the core's sort-based dispatch
/// (rows handed to an expert one by one) does not give a single pixel token:
///   u      = LN(x)                                                 x: [N = H W, D]
///   local  = PW_2(DW_2(GELU(PW_1(DW_1(u)))))                        depthwise-separable 3x3 convs
///   a      = MHSA(u)                                                over the N tokens
///   global = a + MLP(LN_2(x + a))                                   a pre-norm transformer block's update
///   y      = W_f [local ; global] + b_f                             [N, D]
/// The pair returns the update only (no skip): the CIEM block adds it to its input
/// (a residual MoE layer). The sub-experts' sizes are not in the paper; they are chosen
/// small (one attention block, MLP ratio 2) so that the default model trains on a CPU.

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

#include "core/layers/attention.h"

namespace moezoo::models::lgest {

struct LGESExpertOptions {
  LGESExpertOptions(int64_t dim, int64_t height, int64_t width) : dim_(dim), height_(height), width_(width) {}
  /// D, token width.
  TORCH_ARG(int64_t, dim);
  /// H, W: the token grid of one row.
  TORCH_ARG(int64_t, height);
  TORCH_ARG(int64_t, width);
  /// Attention heads of the transformer sub-expert (D divisible by heads).
  TORCH_ARG(int64_t, heads) = 2;
  /// Hidden width of its MLP: mlp_ratio * D.
  TORCH_ARG(double, mlp_ratio) = 2.0;
  /// Dropout after the attention projection and inside the MLP.
  TORCH_ARG(double, dropout) = 0.0;
};

class LGESExpertImpl : public torch::nn::Cloneable<LGESExpertImpl> {
 public:
  explicit LGESExpertImpl(LGESExpertOptions options);
  void reset() override;

  /// rows: [n, H W D] (row i = patch i's tokens, token-major) -> [n, H W D]
  at::Tensor forward(const at::Tensor& rows);
  /// The convolutional sub-expert. u: [n, N, D] (normalised tokens) -> [n, N, D]
  at::Tensor local(const at::Tensor& u);
  /// The transformer sub-expert. x: [n, N, D], u = LN(x) -> [n, N, D]
  at::Tensor global(const at::Tensor& x, const at::Tensor& u);

  LGESExpertOptions options;
  torch::nn::LayerNorm norm{nullptr}, norm2{nullptr};
  torch::nn::Conv2d dw1{nullptr}, pw1{nullptr}, dw2{nullptr}, pw2{nullptr};
  core::SelfAttention attn{nullptr};
  torch::nn::Linear fc1{nullptr}, fc2{nullptr}, fuse{nullptr};
  torch::nn::Dropout drop{nullptr};
};
TORCH_MODULE(LGESExpert);

}  // namespace moezoo::models::lgest
