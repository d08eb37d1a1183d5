#pragma once
/// Expert capacity and drop policies (GShard, Switch Transformer): each expert takes at
/// most C = ceil(capacity_factor * T * k / E) assignments; the rest are dropped (their
/// tokens pass through the residual). capacity_factor <= 0 is dropless: everything kept.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

#include "core/routing/routing.h"

namespace moezoo::core {

/// Which assignments an over-full expert keeps.
enum class DropPolicy {
  /// Its highest-weight assignments (batch-prioritised routing, Riquelme et al. 2021);
  /// equal weights are ordered by token, then slot.
  kProbability,
  /// First come, first served in GShard's order: every token's first choice in token
  /// order, then every token's second choice, and so on.
  kPosition,
};

/// "probability" | "position"; anything else throws moezoo::Error naming `key`.
DropPolicy parse_drop_policy(const std::string& name, const std::string& key = "router.drop_policy");
std::string to_string(DropPolicy policy);

/// ceil(capacity_factor * num_tokens * k / num_experts), or -1 (unlimited) when
/// capacity_factor <= 0. A relative 1e-9 is taken off before the ceiling so that
/// products such as 1.1 * 100 / 10 = 11.000000000000002 give 11, not 12.
int64_t expert_capacity(double capacity_factor, int64_t num_tokens, int64_t k, int64_t num_experts);

/// expert_indices: [T, k] int64, priority: [T, k] (the combine weights; read only for
/// kProbability) -> keep mask [T, k] bool with at most `capacity` kept per expert
/// (capacity < 0: all kept). Deterministic: stable sorts only.
at::Tensor capacity_keep_mask(const at::Tensor& expert_indices, const at::Tensor& priority, int64_t num_experts,
                              int64_t capacity, DropPolicy policy);

/// expert_indices, keep_mask: [T, k] -> [E] int64 count of kept assignments per expert.
at::Tensor count_tokens_per_expert(const at::Tensor& expert_indices, const at::Tensor& keep_mask, int64_t num_experts);

/// Sets routing.keep_mask (capacity over routing.combine_weights) and
/// routing.tokens_per_expert; combine weights are left as they are, so consumers must
/// honour keep_mask. capacity_factor <= 0 keeps every assignment.
void apply_capacity(Routing& routing, double capacity_factor, DropPolicy policy);

}  // namespace moezoo::core
