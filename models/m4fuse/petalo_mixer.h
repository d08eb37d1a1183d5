#pragma once
/// PetaloMixer (POM), the grouped state-space mixer of M4Fuse (Zhou, Tong, Yang, "M^4Fuse:
/// Lightweight State-Space MoE with a Cross-Scale Gating Bridge for Brain Tumor
/// Segmentation", arXiv 2605.02444; official code tonxycs/M4Fuse, Network/M4Fuse.py,
/// class PetaloMixer). On the flattened voxel sequence (D, H, W row-major):
///   u          = LN(x)                                 x: [B, N, C], N = D H W
///   [u_1..u_4] = split(u, 4, channels)                 u_g: [B, N, C/4]
///   v_g        = Mamba(u_g) + s u_g                    ONE Mamba shared by the 4 groups, s a learned scalar
///   y          = W LN([v_1 ; ... ; v_4]) + b           [B, N, C_out]
/// Sharing one Mamba of width C/4 across the groups is where the "lightweight" comes from:
/// it costs 1/4 of the channel-mixing parameters of a C-wide block per group.
///
/// Following the code where the paper is not explicit:
/// - both LayerNorms are the SAME module (the code calls self.norm twice), so one
///   LayerNorm(C) is registered; the second norm therefore requires C_in channels.
/// - Mamba is mamba_ssm's Mamba with its defaults (d_state 16, d_conv 4, expand 2,
///   dt_rank ceil(d/16), no in/out bias, conv bias), unidirectional; core::Mamba with
///   bidirectional = false has the same parameters.
/// - the four groups run as one batch of 4B sequences through the shared Mamba (same
///   result as the code's loop over the chunks, one call instead of four).

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

#include "core/layers/mamba.h"

namespace moezoo::models::m4fuse {

struct PetaloMixerOptions {
  PetaloMixerOptions(int64_t in_dim, int64_t out_dim) : in_dim_(in_dim), out_dim_(out_dim) {}
  /// C, input channels (divisible by groups).
  TORCH_ARG(int64_t, in_dim);
  /// C_out, output channels.
  TORCH_ARG(int64_t, out_dim);
  /// Channel groups sharing the Mamba (4 in the paper and code).
  TORCH_ARG(int64_t, groups) = 4;
  /// The shared Mamba's state size, conv width and expansion (mamba_ssm defaults).
  TORCH_ARG(int64_t, d_state) = 16;
  TORCH_ARG(int64_t, d_conv) = 4;
  TORCH_ARG(int64_t, expand) = 2;
};

class PetaloMixerImpl : public torch::nn::Cloneable<PetaloMixerImpl> {
 public:
  explicit PetaloMixerImpl(PetaloMixerOptions options);
  void reset() override;

  /// x: [B, C, D, H, W] -> [B, C_out, D, H, W]
  at::Tensor forward(const at::Tensor& x);
  /// x: [B, N, C] -> [B, N, C_out]
  at::Tensor forward_tokens(const at::Tensor& x);

  PetaloMixerOptions options;
  /// Used before the split and again after the concatenation.
  torch::nn::LayerNorm norm{nullptr};
  /// Width C / groups, shared by every group.
  core::Mamba mamba{nullptr};
  torch::nn::Linear proj{nullptr};
  /// s, the scale of the per-group skip (initialised to 1).
  at::Tensor skip_scale;
};
TORCH_MODULE(PetaloMixer);

}  // namespace moezoo::models::m4fuse
