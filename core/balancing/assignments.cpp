#include "core/balancing/assignments.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::core {

namespace {

/// [T, k] bool: the slots that count as assignments.
at::Tensor counted_slots(const Routing& routing) {
  check_input(routing.expert_indices.defined() && routing.expert_indices.dim() == 2, "Routing.expert_indices",
              "must be a [T, k] tensor");
  if (routing.expert_choice) return routing.keep_mask;
  return at::ones(routing.expert_indices.sizes(), routing.expert_indices.options().dtype(at::kBool));
}

}  // namespace

at::Tensor assignment_matrix(const Routing& routing) {
  const at::Tensor counted = counted_slots(routing);
  const auto dtype = routing.router_probs.defined() ? routing.router_probs.scalar_type() : at::kFloat;
  // Sums of 0/1 values are exact in any order, so scatter_add stays deterministic on GPUs.
  return at::zeros({routing.num_tokens(), routing.num_experts}, counted.options().dtype(dtype))
      .scatter_add_(1, routing.expert_indices, counted.to(dtype));
}

at::Tensor assignment_counts(const Routing& routing) {
  const at::Tensor counted = counted_slots(routing);
  return at::bincount(routing.expert_indices.masked_select(counted), /*weights=*/{}, routing.num_experts);
}

}  // namespace moezoo::core
