#pragma once
/// ExpertBank: E homogeneous two-layer experts with stacked weights, run over
/// contiguous per-expert row slices by a grouped matmul (the MoE fast path).
///
///   gelu_mlp:  f_e(x) = GELU(x W1_e + b1_e) W2_e + b2_e              (d -> h -> d_out)
///   swiglu:    f_e(x) = (SiLU(x Wg_e + bg_e) * (x Wu_e + bu_e)) W2_e + b2_e
///              (Shazeer, "GLU Variants Improve Transformer", 2020; Wg|Wu stacked
///              as W1_e = [Wg_e | Wu_e], d -> 2h -> d_out)
///   low_rank:  f_e(x) = (x A_e + a_e) B_e + b_e                         (d -> r -> d_out),
///              a rank-r linear map per expert (LoRA-style experts)
///
/// Weights are stored [E, in, out] so that a slice is multiplied without a
/// transpose (the layout at::_grouped_mm also takes). Initialised like
/// torch::nn::Linear: weights and biases U(-1/sqrt(in), 1/sqrt(in)) per expert.

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

#include <string>

#include "core/experts/expert_set.h"
#include "core/experts/grouped_mm.h"

namespace moezoo::core {

enum class ExpertKind { kGeluMlp, kSwiGlu, kLowRank };

/// "gelu_mlp" | "swiglu" | "low_rank"; throws moezoo::Error naming `key` otherwise.
ExpertKind parse_expert_kind(const std::string& name, const std::string& key = "expert_kind");
std::string to_string(ExpertKind kind);

struct ExpertBankOptions {
  ExpertBankOptions(int64_t num_experts, int64_t d_model, int64_t hidden)
      : num_experts_(num_experts), d_model_(d_model), hidden_(hidden) {}
  TORCH_ARG(int64_t, num_experts);
  TORCH_ARG(int64_t, d_model);
  /// Hidden width (gelu_mlp, swiglu) or rank r (low_rank).
  TORCH_ARG(int64_t, hidden);
  /// Output width; 0 means d_model.
  TORCH_ARG(int64_t, d_out) = 0;
  TORCH_ARG(ExpertKind, kind) = ExpertKind::kGeluMlp;
  /// Biases on both projections (LLaMA/Mixtral-style SwiGLU experts have none).
  TORCH_ARG(bool, bias) = true;
  TORCH_ARG(GroupedMmBackend, backend) = GroupedMmBackend::kAuto;
};

class ExpertBankImpl : public torch::nn::Cloneable<ExpertBankImpl>, public ExpertSet {
 public:
  explicit ExpertBankImpl(ExpertBankOptions options);
  void reset() override;

  /// xs: [A, D] sorted by expert, offsets: E + 1 -> [A, D_out]
  at::Tensor forward_grouped(const at::Tensor& xs, const std::vector<int64_t>& offsets) override;
  /// x: [T, D] -> [E, T, D_out] (every expert on every token, batched matmul)
  at::Tensor forward_all(const at::Tensor& x) override;
  /// The same as forward_grouped; for use as a plain module. xs: [A, D] -> [A, D_out]
  at::Tensor forward(const at::Tensor& xs, const std::vector<int64_t>& offsets) { return forward_grouped(xs, offsets); }

  int64_t num_experts() const override { return options.num_experts(); }
  int64_t in_features() const override { return options.d_model(); }
  int64_t out_features() const override { return d_out(); }
  int64_t d_out() const { return options.d_out() > 0 ? options.d_out() : options.d_model(); }

  ExpertBankOptions options;
  /// [E, D, H] (swiglu: [E, D, 2H], gate columns first), [E, H] (or [E, 2H]) or undefined
  at::Tensor w1, b1;
  /// [E, H, D_out], [E, D_out] or undefined
  at::Tensor w2, b2;

 private:
  /// The middle of the expert. h: [..., H or 2H] -> [..., H]
  at::Tensor activate(const at::Tensor& h) const;
};
TORCH_MODULE(ExpertBank);

}  // namespace moezoo::core
