#include "core/dispatch/aten_dispatcher.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::core {

DispatchPlan AtenDispatcher::plan(const Routing& routing) const { return make_dispatch_plan_aten(routing); }

at::Tensor AtenDispatcher::dispatch(const at::Tensor& x, const DispatchPlan& plan) const {
  check_input(x.dim() == 2 && x.size(0) == plan.num_tokens, "AtenDispatcher::dispatch",
              "x must be [T=" + std::to_string(plan.num_tokens) + ", D]");
  const int64_t T = plan.num_tokens, k = plan.top_k, D = x.size(1);
  // Replicating x per slot makes the gather indices unique (see the header).
  const at::Tensor per_slot = x.unsqueeze(1).expand({T, k, D}).reshape({T * k, D});
  return per_slot.index_select(0, plan.slot_index.to(x.device()));
}

at::Tensor AtenDispatcher::combine(const at::Tensor& ys, const at::Tensor& weights, const DispatchPlan& plan) const {
  check_input(ys.dim() == 2 && ys.size(0) == plan.num_rows(), "AtenDispatcher::combine",
              "ys must be [A=" + std::to_string(plan.num_rows()) + ", N]");
  check_input(weights.sizes() == plan.slot_position.sizes(), "AtenDispatcher::combine",
              "weights must be [T, k] like the routing");
  const int64_t T = plan.num_tokens, k = plan.top_k, N = ys.size(1);
  const at::Tensor pos = plan.slot_position.to(ys.device());
  const at::Tensor kept = pos.ge(0);
  if (ys.size(0) == 0) return at::zeros({T, N}, ys.options()) + 0 * weights.sum().to(ys.scalar_type());
  // Dropped slots read row 0 and are multiplied by zero.
  const at::Tensor rows = ys.index_select(0, pos.clamp_min(0).reshape({-1})).view({T, k, N});
  const at::Tensor w = (weights.to(ys.scalar_type()) * kept.to(ys.scalar_type())).unsqueeze(-1);
  return (rows * w).sum(1);
}

}  // namespace moezoo::core
