#pragma once
/// The Cross-Scale Bridge (CSB) of M4Fuse (arXiv 2605.02444; official code tonxycs/M4Fuse,
/// Network/M4Fuse.py, classes SpatialPetalBridge, ChannelBloomBridge, CSBridge) on the S
/// encoder skips t_1..t_S (t_s: [B, C_s, D_s, H_s, W_s]):
///   spatial gate (SB):  a_s = sigmoid(Conv7x7x7([mean_c t_s ; max_c t_s]))     [B, 1, D_s, H_s, W_s]
///                       u_s = a_s * t_s                   one conv shared by all scales
///   channel gate (CB):  p   = [avgpool(u_1) ; ... ; avgpool(u_S)]              [B, 1, sum C_s]
///                       q   = Conv1d_3(p)                 ECA-like local mixing across ALL scales' channels
///                       g_s = sigmoid(W_s q + b_s)                             [B, C_s]
///   output:             t'_s = u_s + g_s * u_s + t_s
/// The channel gate sees every scale's channels at once, which is the "cross-scale" part.
///
/// Following the code: the channel gate reads the spatially gated u_s (not t_s), the
/// output keeps both the gated and the raw skip (t' = u + g u + t), the 7^3 conv and the
/// 3-tap Conv1d have no bias, and W_s is a Linear (the code's default split_att = 'fc';
/// its 1x1-Conv1d alternative is not implemented).

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <vector>

namespace moezoo::models::m4fuse {

/// SB: one 2 -> 1 channel 7^3 convolution (no bias) shared by all scales.
class SpatialGateImpl : public torch::nn::Cloneable<SpatialGateImpl> {
 public:
  SpatialGateImpl() { reset(); }
  void reset() override;
  /// t: [B, C, D, H, W] -> a: [B, 1, D, H, W] in (0, 1)
  at::Tensor forward(const at::Tensor& t);
  torch::nn::Conv3d conv{nullptr};
};
TORCH_MODULE(SpatialGate);

struct ChannelGateOptions {
  /* implicit */ ChannelGateOptions(std::vector<int64_t> channels) : channels_(std::move(channels)) {}
  /// C_1..C_S of the gated scales.
  TORCH_ARG(std::vector<int64_t>, channels);
};

/// CB: an ECA-like channel gate over the concatenated pooled channels of all scales.
class ChannelGateImpl : public torch::nn::Cloneable<ChannelGateImpl> {
 public:
  explicit ChannelGateImpl(ChannelGateOptions options);
  void reset() override;
  /// ts[s]: [B, C_s, ...] -> g[s]: [B, C_s] in (0, 1)
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& ts);

  ChannelGateOptions options;
  /// 1 -> 1 channel, 3 taps, padding 1, no bias.
  torch::nn::Conv1d mix{nullptr};
  /// W_s: sum C -> C_s (Linear).
  torch::nn::ModuleList heads{nullptr};
};
TORCH_MODULE(ChannelGate);

class CrossScaleBridgeImpl : public torch::nn::Cloneable<CrossScaleBridgeImpl> {
 public:
  /// channels: C_1..C_S of the skips the bridge gates.
  explicit CrossScaleBridgeImpl(std::vector<int64_t> channels);
  void reset() override;
  /// ts[s]: [B, C_s, D_s, H_s, W_s] -> t'_s of the same shapes
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& ts);

  std::vector<int64_t> channels;
  SpatialGate spatial{nullptr};
  ChannelGate channel{nullptr};
};
TORCH_MODULE(CrossScaleBridge);

}  // namespace moezoo::models::m4fuse
