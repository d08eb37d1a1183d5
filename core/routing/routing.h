#pragma once
/// Routing: what a router returns for T tokens and E experts. Everything
/// downstream (balancers, dispatchers, statistics) reads only this.
///
/// Assignments are slots [T, k]: slot (t, j) sends token t to expert
/// expert_indices[t, j] with weight combine_weights[t, j], unless keep_mask[t, j]
/// is false (dropped by a capacity limit, or unused by expert-choice routing,
/// which fills k = E slots per token and keeps those the experts chose).

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace moezoo::core {

struct Routing {
  at::Tensor expert_indices;     ///< [T, k] int64 in [0, E)
  at::Tensor combine_weights;    ///< [T, k] float, differentiable w.r.t. the router
  at::Tensor keep_mask;          ///< [T, k] bool
  at::Tensor router_logits;      ///< [T, E] raw logits (before bias and scoring), for the z-loss
  at::Tensor router_probs;       ///< [T, E] scores (softmax or sigmoid), for auxiliary losses
  at::Tensor tokens_per_expert;  ///< [E] int64, kept assignments per expert
  int64_t num_experts = 0;
  /// True when the experts chose the tokens (expert-choice routing): keep_mask then marks
  /// the chosen slots rather than capacity drops, so losses and statistics count a token
  /// as dropped only when no expert chose it.
  bool expert_choice = false;

  int64_t num_tokens() const { return expert_indices.size(0); }
  int64_t top_k() const { return expert_indices.size(1); }
};

}  // namespace moezoo::core
