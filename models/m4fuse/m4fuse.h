#pragma once
/// M4Fuse (Zhou, Tong, Yang, "M^4Fuse: Lightweight State-Space MoE with a Cross-Scale
/// Gating Bridge for Brain Tumor Segmentation", arXiv 2605.02444; official code
/// tonxycs/M4Fuse, Network/M4Fuse.py, class M4Fuse): a 3D U-shaped network with widths
/// c_0..c_5 whose deeper encoder stages are PetalExpertUnits (petal_expert_unit.h) and
/// whose skips pass a Cross-Scale Bridge (cross_scale_bridge.h):
///   t_1 = GELU(GN(Conv3(x)))                          [B, c0, D, H, W]       x: [B, 4, D, H, W]
///   t_2 = GELU(GN(Conv3(MaxPool(t_1))))               [B, c1, D/2, ...]
///   t_3 = GELU(GN(Conv3(MaxPool(t_2))))               [B, c2, D/4, ...]
///   t_4 = GELU(GN(PEU_4(MaxPool(Drop(t_3)), site)))   [B, c3, D/8, ...]
///   t_5 = GELU(GN(PEU_5(MaxPool(t_4), site)))         [B, c4, D/16, ...]
///   t'_1..t'_5 = CSB(t_1..t_5)
///   h   = GELU(PEU_6(t_5, site))                      [B, c5, D/16, ...]   (t_5 before the bridge)
///   h   = GELU(GN(POM(h))) + t'_5, then for s = 4, 3: h = GELU(GN(POM(Up(h)))) + t'_s
///   h   = Drop(h); for s = 2, 1: h = GELU(GN(Conv3(Up(h)))) + t'_s
///   logits = Conv1(h)                                 [B, K, D, H, W]
/// Up is trilinear (align_corners) to the skip's size, GN is GroupNorm(4), Drop is
/// Dropout3d(0.2), MaxPool is 2^3. Total downsampling 16: D, H, W must be multiples of 16.
/// The paper's input is 4 x 64 x 128 x 128 (the four MRI sequences), 4 classes:
/// 0 background, 1 NCR (BraTS label 1), 2 ED (label 2), 3 ET (label 4), softmax over them.
///
/// Variants (channel lists from the code's comments; parameters with one expert):
///   tiny  [16, 32, 48, 64, 96, 128]    0.29M      small [24, 48, 72, 96, 144, 192]   0.63M
///   base  [32, 64, 96, 128, 192, 256]  1.11M      large [48, 96, 144, 192, 288, 384] 2.46M (paper 2.45M)
///
/// Following the code where it differs from or adds to the paper:
/// - one expert by default (the code's data_exps = 1, experts chosen by a dataset /
///   data-type id); the parameter counts in the paper are for that setting.
/// - PEU_6 runs at the resolution of t_5 (no pooling before the bottleneck) on the
///   pre-bridge stage-5 output, and has no GroupNorm after it.
/// - the decoder's first three stages are PetaloMixers (c5 -> c4 -> c3 -> c2), the last
///   two 3^3 convolutions; skips are added, not concatenated.
/// - initialisation (the code's _init_weights applied to every module): every Linear,
///   those inside Mamba included (so dt_proj's bias starts at 0, not at mamba_ssm's
///   inverse-softplus values), gets N(0, 0.02) weights (timm's trunc_normal_ truncates at
///   +-2, i.e. 100 std, so never in practice) and zero bias; every Conv3d Kaiming-normal
///   weights (fan_out, ReLU gain) with PyTorch's default bias.
/// - the code predicts 4 softmax classes (CrossEntropy + Dice on them), as here.
/// Parameter names follow the code's state_dict (enc1, ebn1, ex4.shared.mamba.in_proj,
/// ex4.experts.0.proj, dec1, dbn1, final, ...) except in the bridge: the code's
/// fbb.satt.conv.0 / fbb.catt.get_all_att / fbb.catt.att_layers.s are our
/// fbb.spatial.conv / fbb.channel.mix / fbb.channel.heads.s.
/// Our additions: routing "gate" (the paper's learned-gate ablation; see
/// petal_expert_unit.h), input checks.

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/balancing/balancer.h"
#include "core/moe/aux_losses.h"
#include "models/m4fuse/cross_scale_bridge.h"
#include "models/m4fuse/petal_expert_unit.h"
#include "models/m4fuse/petalo_mixer.h"

namespace moezoo::models::m4fuse {

struct M4FuseOptions {
  /// "tiny" | "small" | "base" | "large": picks the widths when `channels` is empty.
  TORCH_ARG(std::string, variant) = "tiny";
  /// Input channels (the four MRI sequences T1, T1ce, T2, FLAIR).
  TORCH_ARG(int64_t, in_channels) = 4;
  TORCH_ARG(int64_t, num_classes) = 4;
  /// Experts per PEU (the code's data_exps; 1 there).
  TORCH_ARG(int64_t, num_experts) = 1;
  /// "site" (fixed by id) or "gate" (learned top-1).
  TORCH_ARG(std::string, routing) = "site";
  /// c_0..c_5, six widths divisible by 4; empty = the variant's.
  TORCH_ARG(std::vector<int64_t>, channels) = {};
  /// The Cross-Scale Bridge on the skips (the code's bridge = True).
  TORCH_ARG(bool, bridge) = true;
  /// Dropout3d probability in the network and in every PEU.
  TORCH_ARG(double, dropout) = 0.2;
  /// Balancing losses of the gates (routing "gate" only).
  TORCH_ARG(core::BalancerOptions, balancer) = core::BalancerOptions().switch_coef(1e-2);
  /// Every Mamba's state size, conv width and expansion (mamba_ssm defaults, as in the code).
  TORCH_ARG(int64_t, d_state) = 16;
  TORCH_ARG(int64_t, d_conv) = 4;
  TORCH_ARG(int64_t, expand) = 2;
};

/// The variant names, in size order.
std::vector<std::string> m4fuse_variants();
/// The widths c_0..c_5 of a variant; unknown name -> moezoo::Error listing the valid ones.
std::vector<int64_t> m4fuse_variant_channels(const std::string& name);
/// Options of a named variant ("tiny", "small", "base", "large"); unknown -> moezoo::Error.
M4FuseOptions m4fuse_variant(const std::string& name);

class M4FuseImpl : public torch::nn::Cloneable<M4FuseImpl> {
 public:
  explicit M4FuseImpl(M4FuseOptions options = {});
  void reset() override;

  /// image [B, in_channels, D, H, W] (D, H, W multiples of downsampling()), site [B] int64
  /// in [0, num_experts) or undefined (= site 0 for "site" routing; ignored by "gate")
  /// -> logits [B, num_classes, D, H, W]
  at::Tensor forward(const at::Tensor& image, const at::Tensor& site = {});
  /// Balancing losses of the last training-mode forward (gate routing), summed over the
  /// three PEUs under the balancer's term names; empty otherwise.
  core::AuxLosses aux_losses() const { return aux_; }
  /// [B, num_experts]: each sample's combine weights of the last forward, averaged over
  /// the three PEUs (site routing: the one-hot of the site).
  at::Tensor expert_weights() const;
  /// Total spatial downsampling factor (16).
  int64_t downsampling() const { return 16; }
  /// The resolved widths c_0..c_5.
  const std::vector<int64_t>& channels() const { return channels_; }
  /// PEU_4, PEU_5, PEU_6.
  std::vector<PetalExpertUnit> expert_units() const { return {ex4, ex5, ex6}; }

  M4FuseOptions options;
  torch::nn::Conv3d enc1{nullptr}, enc2{nullptr}, enc3{nullptr};
  PetalExpertUnit ex4{nullptr}, ex5{nullptr}, ex6{nullptr};
  CrossScaleBridge fbb{nullptr};
  PetaloMixer dec1{nullptr}, dec2{nullptr}, dec3{nullptr};
  torch::nn::Conv3d dec4{nullptr}, dec5{nullptr};
  torch::nn::GroupNorm ebn1{nullptr}, ebn2{nullptr}, ebn3{nullptr}, ebn4{nullptr}, ebn5{nullptr};
  torch::nn::GroupNorm dbn1{nullptr}, dbn2{nullptr}, dbn3{nullptr}, dbn4{nullptr}, dbn5{nullptr};
  torch::nn::Dropout3d dropout{nullptr};
  torch::nn::Conv3d final{nullptr};

 private:
  void check_image(const at::Tensor& image, const at::Tensor& site) const;
  std::vector<int64_t> channels_;
  core::AuxLosses aux_;
};
TORCH_MODULE(M4Fuse);

/// Number of scalar parameters of a module (all, trainable or not).
int64_t count_parameters(const torch::nn::Module& module);

}  // namespace moezoo::models::m4fuse
