#pragma once
/// LGEST (Wen et al., "LGEST: Dynamic Spatial-Spectral Expert Routing for Hyperspectral
/// Image Classification", arXiv 2603.24045): a Deep Spatial-Spectral Autoencoder (DSAE)
/// compresses the patch, a Cross-Interactive Mixed Expert Feature Pyramid (CIEM-FPN)
/// exchanges spectral and spatial cues by cross-attention and weighs them by learnable
/// gates, and residual MoE layers of Local-Global Expert pairs (LGES: a convolutional and
/// a transformer sub-expert) are sparsely activated by a saliency-based router:
///   z        = DSAE_enc(x)                      x: [B, C, P, P] -> [B, L, P, P]
///   h_0      = W_stem z                         1x1 conv L -> D
///   h_l      = CIEM_l(Down(h_{l-1}))            l = 1..levels-1, Down: 3x3 conv, stride 2
///   y_l      = h_l + W_lat,l Up(y_{l+1})        top-down fusion, y_{levels-1} = h_{levels-1}
///   logits   = W_c Dropout([LN(y_0)_centre ; mean_n LN(y_0)_n])
///   loss     = CE(logits, y) + lambda_rec ||DSAE_dec(z) - x||^2 / (B C P P) + balancing
/// Aux losses: "recon" (lambda_rec times the DSAE's MSE, training mode only) and the
/// balancing terms of every MoE layer ("switch", "z", ... from model.balancer).
///
/// The paper's code is not public; where the issue text is silent we chose:
/// - DSAE (issue: "compresses the cube while keeping 3D neighbourhoods coherent"):
///   two 3D convolutions 7x3x3 and 5x3x3 with spectral stride 2 and a mirror decoder
///   (spectral_autoencoder.h); the classifier reads the latent, the decoder serves only
///   the reconstruction loss (skipped in evaluation).
/// - CIEM-FPN (issue: "cross-attention and residual MoE layers and learnable gates that
///   weigh spectral against spatial cues"): `levels` levels (P, ceil(P/2), ...), each a
///   CIEM block (ciem_block.h): a per-pixel spectral MLP branch, a depthwise 3x3 spatial
///   branch, two cross-attentions between them, a per-channel sigmoid gate, and one
///   residual MoE layer; then FPN-style top-down fusion (bilinear upsampling, 1x1
///   laterals) and classification from the centre token and the mean token of level 0.
/// - LGES (issue: "each a convolutional sub-expert (local texture) and a transformer
///   sub-expert (long range)"): lges_expert.h, on the core's HeterogeneousExperts inside
///   the core's MoELayer. Routing is per PATCH, not per pixel: the MoE token is a
///   patch's whole token grid (row [N * D]) because a conv or attention expert needs the
///   pixel's neighbourhood, which sort-based dispatch does not hand to a per-pixel
///   expert; it also matches the task, in which a patch is one decision (its centre
///   pixel's class). Every pixel of a patch therefore goes through the same k pairs.
/// - Saliency router (issue: "sparsely activated by a saliency-based router"): the core's
///   prior-guided top-k router on the patch row, with the saliency summary of
///   saliency_prior.h (per-pixel scores from features and contrast to the patch mean)
///   as its prior.
/// - Sizes (none in the issue): DSAE widths 4 and 8, latent 16, width 32, 2 levels,
///   2 attention heads, 4 pairs per level, top-2, Switch balancing loss (1e-2),
///   lambda_rec = 1: about 0.17M parameters for 30 bands, 9x9 patches and 16 classes,
///   about 0.25 s of one CPU core per training step of 64 such patches.
/// - Router input: the core's MoE layer routes on the rows it dispatches, so the gate W_g
///   reads the whole (normalised) patch row; the saliency summary enters through W_p.

#include <torch/arg.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <string>
#include <vector>

#include "core/balancing/balancer.h"
#include "core/moe/moe_layer.h"
#include "models/lgest/ciem_block.h"
#include "models/lgest/patch_classifier.h"
#include "models/lgest/spectral_autoencoder.h"

namespace moezoo::models::lgest {

struct LGESTOptions {
  LGESTOptions(int64_t bands, int64_t patch, int64_t classes) : bands_(bands), patch_(patch), classes_(classes) {}
  /// C, spectral bands of the input patches.
  TORCH_ARG(int64_t, bands);
  /// P, odd patch size.
  TORCH_ARG(int64_t, patch);
  TORCH_ARG(int64_t, classes);
  /// L, channels of the DSAE latent.
  TORCH_ARG(int64_t, latent_dim) = 16;
  /// The DSAE's two 3D-conv widths.
  TORCH_ARG(std::vector<int64_t>, dsae_channels) = std::vector<int64_t>{4, 8};
  /// D, token width of the pyramid.
  TORCH_ARG(int64_t, dim) = 32;
  /// Pyramid levels: grids P, ceil(P/2), ceil(P/4), ...
  TORCH_ARG(int64_t, levels) = 2;
  /// Heads of the CIEM cross-attentions.
  TORCH_ARG(int64_t, heads) = 2;
  /// Hidden width of the spectral-branch MLP: mlp_ratio * D.
  TORCH_ARG(double, mlp_ratio) = 2.0;
  /// E, LGES pairs per level, and k, pairs per patch.
  TORCH_ARG(int64_t, experts) = 4;
  TORCH_ARG(int64_t, top_k) = 2;
  /// Heads and MLP ratio of each pair's transformer sub-expert.
  TORCH_ARG(int64_t, expert_heads) = 2;
  TORCH_ARG(double, expert_mlp_ratio) = 2.0;
  /// Initial beta of the saliency prior in each router.
  TORCH_ARG(double, prior_weight) = 1.0;
  /// Balancing of every MoE layer (core/balancing/balancer_presets.h); "switch" by default.
  TORCH_ARG(core::BalancerOptions, balancer) = core::BalancerOptions().switch_coef(1e-2);
  /// lambda_rec, the weight of the DSAE reconstruction MSE; 0 = no decoder pass.
  TORCH_ARG(double, recon_coef) = 1.0;
  /// Dropout before the classifier.
  TORCH_ARG(double, dropout) = 0.1;
  /// Dropout inside the pyramid (attention projections, MLPs, experts).
  TORCH_ARG(double, block_dropout) = 0.0;
};

class LGEST : public PatchClassifier {
 public:
  explicit LGEST(LGESTOptions options);

  /// patches: [B, C, P, P] -> logits [B, classes]
  at::Tensor forward(const at::Tensor& patches) override;
  core::AuxLosses aux_losses() const override { return aux_; }
  /// [B, levels * E]: each level's combine weights of the last forward at its experts.
  at::Tensor expert_weights() const override;
  /// "level0/lges0", ..., one per column of expert_weights().
  std::vector<std::string> expert_names() const override;

  /// The DSAE's reconstruction. patches: [B, C, P, P] -> [B, C, P, P]
  at::Tensor reconstruct(const at::Tensor& patches);
  /// Grid side of every pyramid level: P, ceil(P/2), ...
  const std::vector<int64_t>& level_sizes() const { return sizes_; }
  /// The pyramid levels (each holds its MoE layer, found by the trainer's routing monitor).
  const std::vector<CIEMBlock>& blocks() const { return blocks_; }
  std::vector<core::MoELayer> moe_layers() const;
  const LGESTOptions& options() const { return options_; }

  SpectralAutoencoder dsae{nullptr};

 private:
  LGESTOptions options_;
  std::vector<int64_t> sizes_;
  torch::nn::Conv2d stem_{nullptr};
  std::vector<CIEMBlock> blocks_;
  std::vector<torch::nn::Conv2d> down_, lateral_;
  torch::nn::LayerNorm head_norm_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear classifier_{nullptr};
  core::AuxLosses aux_;
};

}  // namespace moezoo::models::lgest
