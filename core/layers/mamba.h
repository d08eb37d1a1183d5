#pragma once
/// The Mamba block (Gu & Dao, "Mamba: Linear-Time Sequence Modeling with Selective
/// State Spaces", 2023; section 3.4 and Algorithm 2), as in mamba_ssm's mamba_simple.py:
///   [u | z] = in_proj(x)
///   u = SiLU(causal depthwise Conv1d(u))
///   [dt | B | C] = x_proj(u),   delta = softplus(dt_proj(dt))       (dt of rank dt_rank)
///   A = -exp(A_log)   (S4D-real init: A_log[d, n] = log(n + 1))
///   y = SelectiveScan(u, delta, A, B, C, D)   (h_t = exp(delta_t A) h_{t-1} + delta_t B_t u_t, y_t = C_t h_t + D u_t)
///   out = out_proj(y * SiLU(z))
/// The input-dependent delta, B, C are the "selection": the recurrence can keep or
/// forget per token. With bidirectional = true a second scan runs over the reversed
/// sequence with its own conv, projections, A and D, and the two are averaged before
/// the gate (Vision Mamba's bidirectional block, Zhu et al. 2024), which flattened
/// 2D/3D images need since they have no causal order.

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <ostream>
#include <string>

namespace moezoo::core {

struct MambaOptions {
  /* implicit */ MambaOptions(int64_t dim) : dim_(dim) {}
  /// Model width D.
  TORCH_ARG(int64_t, dim);
  /// State size N per channel.
  TORCH_ARG(int64_t, d_state) = 16;
  /// Causal depthwise convolution width.
  TORCH_ARG(int64_t, d_conv) = 4;
  /// d_inner = expand * dim.
  TORCH_ARG(int64_t, expand) = 2;
  /// Rank of the delta projection; 0 means ceil(dim / 16).
  TORCH_ARG(int64_t, dt_rank) = 0;
  /// The initial step sizes softplus(dt_proj.bias) are log-uniform in [dt_min, dt_max],
  /// floored at dt_init_floor.
  TORCH_ARG(double, dt_min) = 1e-3;
  TORCH_ARG(double, dt_max) = 0.1;
  TORCH_ARG(double, dt_init_floor) = 1e-4;
  /// dt_proj.weight init: "random" (uniform +-std) or "constant" (std), std = dt_scale / sqrt(dt_rank).
  TORCH_ARG(std::string, dt_init) = "random";
  TORCH_ARG(double, dt_scale) = 1.0;
  TORCH_ARG(bool, conv_bias) = true;
  /// Bias on in_proj and out_proj.
  TORCH_ARG(bool, bias) = false;
  /// Add the reversed-sequence scan (Vision Mamba).
  TORCH_ARG(bool, bidirectional) = false;
  /// true: selective_scan (parallel); false: selective_scan_reference (the loop over t).
  TORCH_ARG(bool, parallel_scan) = true;
  /// Chunk length of the parallel scan; 0 = selective_scan_auto_chunk.
  TORCH_ARG(int64_t, scan_chunk) = 0;
};

class MambaImpl : public torch::nn::Cloneable<MambaImpl> {
 public:
  explicit MambaImpl(MambaOptions options);
  void reset() override;
  /// x: [B, L, dim] -> [B, L, dim]
  at::Tensor forward(const at::Tensor& x);
  void pretty_print(std::ostream& stream) const override;

  /// expand * dim.
  int64_t d_inner() const;
  /// dt_rank, or ceil(dim / 16).
  int64_t dt_rank() const;

  MambaOptions options;
  /// in_proj: dim -> 2 d_inner [u | z]; out_proj: d_inner -> dim.
  torch::nn::Linear in_proj{nullptr}, out_proj{nullptr};
  /// Per direction: conv1d (depthwise, d_conv), x_proj: d_inner -> dt_rank + 2N,
  /// dt_proj: dt_rank -> d_inner, A_log: [d_inner, N], D: [d_inner].
  /// The *_b members exist only when bidirectional.
  torch::nn::Conv1d conv1d{nullptr}, conv1d_b{nullptr};
  torch::nn::Linear x_proj{nullptr}, dt_proj{nullptr}, x_proj_b{nullptr}, dt_proj_b{nullptr};
  at::Tensor A_log, D, A_b_log, D_b;

 private:
  /// One scan direction's layers (aliases of the public members).
  struct Direction {
    torch::nn::Conv1d conv1d{nullptr};
    torch::nn::Linear x_proj{nullptr}, dt_proj{nullptr};
    at::Tensor A_log, D;
  };
  /// Creates and registers one direction; `backward` selects the *_b names.
  Direction make_direction(bool backward);
  /// u: [B, L, d_inner] -> y: [B, L, d_inner] (before the SiLU(z) gate).
  at::Tensor scan(Direction& direction, const at::Tensor& u);

  Direction forward_dir_, backward_dir_;
};
TORCH_MODULE(Mamba);

}  // namespace moezoo::core
