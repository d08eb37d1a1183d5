#pragma once
/// Token-choice top-k selection from router logits, shared by the top-k and the
/// prior-guided routers (one implementation of scoring, group limits, bias, capacity).
///
/// Following DeepSeek-V3 (arXiv:2412.19437, eqs. 12-16 and its MoEGate):
///   s      = score(logits)                         softmax or sigmoid, [T, E]
///   c      = s + b                                 b: expert bias, for *choosing* only
///   groups = top `topk_group` of the n_group groups by group_score(c in the group)
///   chosen = top k of c restricted to those groups
///   w      = s[chosen]  (/ sum w when normalize_weights)  * routed_scaling_factor
/// so the expert bias steers which experts are chosen but never the combine weights.

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <cstdint>
#include <string>

#include "core/balancing/capacity.h"
#include "core/routing/routing.h"
#include "core/routing/scoring.h"

namespace moezoo::core {

/// How a group of experts is scored for group-limited routing.
enum class GroupScore {
  kAuto,     ///< kTop2Sum for sigmoid scores (DeepSeek-V3), kMax for softmax (DeepSeek-V2)
  kMax,      ///< the group's highest score
  kTop2Sum,  ///< the sum of the group's two highest scores
};

/// "auto" | "max" | "top2_sum"; anything else throws moezoo::Error naming `key`.
GroupScore parse_group_score(const std::string& name, const std::string& key = "router.group_score");

struct TopKSelectionOptions {
  /* implicit */ TopKSelectionOptions(int64_t k = 2) : k_(k) {}
  /// Experts per token.
  TORCH_ARG(int64_t, k);
  TORCH_ARG(ScoreFunction, scoring) = ScoreFunction::kSoftmax;
  /// Divide the k weights by their sum (Mixtral, DeepSeek-V3). With k = 1 this makes
  /// every weight 1 and cuts the gate's gradient, so Switch-style k = 1 leaves it off.
  TORCH_ARG(bool, normalize_weights) = true;
  /// Group-limited routing: the E experts form n_group equal groups of E / n_group;
  /// each token picks among the experts of its best topk_group groups. 1 = off.
  TORCH_ARG(int64_t, n_group) = 1;
  TORCH_ARG(int64_t, topk_group) = 1;
  TORCH_ARG(GroupScore, group_score) = GroupScore::kAuto;
  /// Multiplies the combine weights (DeepSeek-V3's routed_scaling_factor, 2.5 there).
  TORCH_ARG(double, routed_scaling_factor) = 1.0;
  /// Capacity per expert = ceil(capacity_factor * T * k / E); <= 0: dropless.
  TORCH_ARG(double, capacity_factor) = 0.0;
  TORCH_ARG(DropPolicy, drop_policy) = DropPolicy::kProbability;
};

/// Throws moezoo::Error (prefixed by `where`) unless 1 <= k <= E, n_group divides E,
/// 1 <= topk_group <= n_group, k fits into topk_group groups, and kTop2Sum groups have
/// at least two experts.
void check_selection_options(const TopKSelectionOptions& options, int64_t num_experts, const std::string& where);

/// The group score actually used (resolves kAuto from the score function).
GroupScore resolved_group_score(const TopKSelectionOptions& options);

/// logits: [T, E], expert_bias: [E] or undefined -> Routing with k slots per token,
/// slots ordered by decreasing (biased) choice score, keep_mask from the capacity rule,
/// router_logits = logits, router_probs = unbiased scores. The combine weights are
/// differentiable w.r.t. the logits; the choice itself is not.
/// On CUDA tensors that the fused router kernel supports (core/kernels/cuda_router.h,
/// builds with CUDA) the kernel runs; everything else runs select_topk_aten.
Routing select_topk(const at::Tensor& logits, const TopKSelectionOptions& options,
                    const at::Tensor& expert_bias = at::Tensor());

/// select_topk in ATen ops on any device: the reference the fused CUDA router is tested
/// and benchmarked against.
Routing select_topk_aten(const at::Tensor& logits, const TopKSelectionOptions& options,
                         const at::Tensor& expert_bias = at::Tensor());

}  // namespace moezoo::core
