#pragma once
/// One pyramid level of LGEST's Cross-Interactive Mixed Expert Feature Pyramid
/// (CIEM-FPN; Wen et al., arXiv 2603.24045: "cross-attention and residual MoE layers and
/// learnable gates that weigh spectral against spatial cues"). On the level's H x W token
/// grid x (plus a learned position embedding p):
///   t     = x + p                                                  [B, N, D]
///   s     = t + MLP_s(LN(t))                       spectral branch: each pixel's channels
///   q     = t + PW(GELU(DW_3x3(LN(t))))            spatial branch: its 3x3 neighbourhood
///   s'    = s + CrossAttn(LN(s), LN(q))            spectral queries read spatial keys
///   q'    = q + CrossAttn(LN(q), LN(s))            and the other way round
///   g     = sigmoid(gamma)                         gamma in R^D, learned (0 at start: g = 1/2)
///   f     = g * s' + (1 - g) * q'
///   f     = f + MoE(LN(f))                         residual MoE of LGES pairs (lges_expert.h)
/// The MoE layer is the core's (core/moe/moe_layer.h) with heterogeneous experts, one
/// token per patch (row = the patch's N x D grid, since an LGES pair needs the whole
/// grid), and the core's prior-guided router whose prior is the saliency summary of
/// saliency_prior.h: top-k of E pairs per patch.

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

#include "core/balancing/balancer.h"
#include "core/layers/attention.h"
#include "core/moe/aux_losses.h"
#include "core/moe/moe_layer.h"
#include "models/lgest/lges_expert.h"
#include "models/lgest/saliency_prior.h"

namespace moezoo::models::lgest {

struct CIEMBlockOptions {
  CIEMBlockOptions(int64_t dim, int64_t height, int64_t width) : dim_(dim), height_(height), width_(width) {}
  /// D, token width.
  TORCH_ARG(int64_t, dim);
  /// The level's grid.
  TORCH_ARG(int64_t, height);
  TORCH_ARG(int64_t, width);
  /// Heads of the two cross-attentions.
  TORCH_ARG(int64_t, heads) = 2;
  /// Hidden width of the spectral MLP: mlp_ratio * D.
  TORCH_ARG(double, mlp_ratio) = 2.0;
  /// E, LGES pairs, and k, pairs per patch.
  TORCH_ARG(int64_t, experts) = 4;
  TORCH_ARG(int64_t, top_k) = 2;
  TORCH_ARG(int64_t, expert_heads) = 2;
  TORCH_ARG(double, expert_mlp_ratio) = 2.0;
  /// Initial beta of the saliency prior in the router.
  TORCH_ARG(double, prior_weight) = 1.0;
  TORCH_ARG(core::BalancerOptions, balancer) = {};
  /// Dropout in the attention projections, the MLPs and the experts.
  TORCH_ARG(double, dropout) = 0.0;
};

/// Not Cloneable: it holds an MoE layer (which is not).
class CIEMBlockImpl : public torch::nn::Module {
 public:
  explicit CIEMBlockImpl(CIEMBlockOptions options);

  /// x: [B, D, H, W] -> [B, D, H, W]; the MoE layer's balancing losses are added to
  /// *aux when aux is not null.
  at::Tensor forward(const at::Tensor& x, core::AuxLosses* aux = nullptr);

  /// g = sigmoid(gamma): [D], the weight of the spectral branch per channel.
  at::Tensor gate() const;
  /// The saliency of the last forward (detached).
  const Saliency& last_saliency() const { return last_saliency_; }

  CIEMBlockOptions options;
  at::Tensor pos_embed;   ///< [1, N, D]
  at::Tensor gate_logit;  ///< gamma: [D]
  torch::nn::LayerNorm spec_norm{nullptr}, spat_norm{nullptr};
  torch::nn::Linear spec_fc1{nullptr}, spec_fc2{nullptr};
  torch::nn::Conv2d spat_dw{nullptr}, spat_pw{nullptr};
  torch::nn::LayerNorm spec_query_norm{nullptr}, spat_key_norm{nullptr}, spat_query_norm{nullptr},
      spec_key_norm{nullptr};
  core::CrossAttention spec_from_spat{nullptr}, spat_from_spec{nullptr};
  torch::nn::LayerNorm moe_norm{nullptr};
  SaliencyPrior saliency{nullptr};
  core::MoELayer moe{nullptr};

 private:
  Saliency last_saliency_;
};
TORCH_MODULE(CIEMBlock);

}  // namespace moezoo::models::lgest
