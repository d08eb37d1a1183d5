#include "core/balancing/capacity.h"

#include <torch/torch.h>

#include <cmath>

#include "core/util/error.h"

namespace moezoo::core {

DropPolicy parse_drop_policy(const std::string& name, const std::string& key) {
  if (name == "probability") return DropPolicy::kProbability;
  if (name == "position") return DropPolicy::kPosition;
  throw Error(key + ": unknown drop policy '" + name + "' (expected probability or position)");
}

std::string to_string(DropPolicy policy) { return policy == DropPolicy::kProbability ? "probability" : "position"; }

int64_t expert_capacity(double capacity_factor, int64_t num_tokens, int64_t k, int64_t num_experts) {
  check_input(num_experts > 0, "expert_capacity", "num_experts must be positive, got " + std::to_string(num_experts));
  if (capacity_factor <= 0) return -1;
  const double exact =
      capacity_factor * static_cast<double>(num_tokens) * static_cast<double>(k) / static_cast<double>(num_experts);
  return static_cast<int64_t>(std::ceil(exact - 1e-9 * std::max(1.0, exact)));
}

at::Tensor capacity_keep_mask(const at::Tensor& expert_indices, const at::Tensor& priority, int64_t num_experts,
                              int64_t capacity, DropPolicy policy) {
  check_input(expert_indices.dim() == 2, "capacity_keep_mask", "expert_indices must be [T, k]");
  const auto options_long = expert_indices.options().dtype(at::kLong);
  if (capacity < 0) return at::ones(expert_indices.sizes(), expert_indices.options().dtype(at::kBool));
  const int64_t n = expert_indices.numel();
  const at::Tensor flat = expert_indices.reshape({-1});  // slot (t, j) at t * k + j

  // Priority order of the slots: the first in `order` is served first.
  at::Tensor order;
  if (policy == DropPolicy::kProbability) {
    check_input(priority.sizes() == expert_indices.sizes(), "capacity_keep_mask",
                "priority must have the shape of expert_indices");
    order = std::get<1>(at::sort(priority.detach().reshape({-1}), /*stable=*/true, /*dim=*/0, /*descending=*/true));
  } else {
    order = at::arange(n, options_long).view(expert_indices.sizes()).t().reshape({-1});
  }
  // Group by expert, keeping the priority order inside each group (stable sort), then
  // rank each slot inside its expert's group.
  const at::Tensor expert_in_order = flat.index_select(0, order);
  const at::Tensor by_expert = std::get<1>(at::sort(expert_in_order, /*stable=*/true, /*dim=*/0, /*descending=*/false));
  const at::Tensor grouped_expert = expert_in_order.index_select(0, by_expert);
  const at::Tensor counts = at::bincount(flat, /*weights=*/{}, num_experts);
  const at::Tensor group_start = counts.cumsum(0) - counts;
  const at::Tensor rank = at::arange(n, options_long) - group_start.index_select(0, grouped_expert);
  at::Tensor keep = at::zeros({n}, expert_indices.options().dtype(at::kBool));
  keep.index_put_({order.index_select(0, by_expert)}, rank < capacity);
  return keep.view(expert_indices.sizes());
}

at::Tensor count_tokens_per_expert(const at::Tensor& expert_indices, const at::Tensor& keep_mask, int64_t num_experts) {
  const at::Tensor kept = expert_indices.masked_select(keep_mask);
  return at::bincount(kept, /*weights=*/{}, num_experts);
}

void apply_capacity(Routing& routing, double capacity_factor, DropPolicy policy) {
  const int64_t capacity = expert_capacity(capacity_factor, routing.num_tokens(), routing.top_k(), routing.num_experts);
  routing.keep_mask =
      capacity_keep_mask(routing.expert_indices, routing.combine_weights, routing.num_experts, capacity, policy);
  routing.tokens_per_expert = count_tokens_per_expert(routing.expert_indices, routing.keep_mask, routing.num_experts);
}

}  // namespace moezoo::core
