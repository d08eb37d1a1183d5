#include "core/kernels/cuda_dispatcher.h"

#include <torch/torch.h>

#include "core/kernels/permute.h"
#include "core/util/error.h"

namespace moezoo::core {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

void check_no_double_backward(const char* where) {
  TORCH_CHECK(!at::GradMode::is_enabled(), where,
              ": the cuda dispatcher has first-order gradients only; use the 'aten' dispatch backend "
              "for double backward");
}

at::Tensor slot_sum(const at::Tensor& rows, const at::Tensor& pos, const at::Tensor& weights) {
  at::Tensor out = at::empty({pos.size(0), rows.size(1)}, rows.options());
  kernels::slot_sum_out(rows, pos, weights, out);
  return out;
}

/// xs = x[token_index]; backward: grad_x[t] = sum_j grad_xs[pos[t, j]].
struct GatherRowsCuda : public torch::autograd::Function<GatherRowsCuda> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& token_index,
                            const at::Tensor& pos) {
    ctx->save_for_backward({pos});
    const at::Tensor xc = x.contiguous();
    at::Tensor out = at::empty({token_index.numel(), xc.size(1)}, xc.options());
    kernels::gather_rows_out(xc, token_index, out);
    return out;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    check_no_double_backward("dispatch backward");
    const at::Tensor pos = ctx->get_saved_variables()[0];
    at::Tensor grad_x;
    if (ctx->needs_input_grad(0)) grad_x = slot_sum(grads[0].contiguous(), pos, at::Tensor());
    return {grad_x, at::Tensor(), at::Tensor()};
  }
};

/// out[t] = sum_j w[t, j] * ys[pos[t, j]].
struct CombineRowsCuda : public torch::autograd::Function<CombineRowsCuda> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& ys, const at::Tensor& weights,
                            const at::Tensor& pos) {
    ctx->save_for_backward({ys, weights, pos});
    return slot_sum(ys.contiguous(), pos, weights.contiguous());
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    check_no_double_backward("combine backward");
    const auto saved = ctx->get_saved_variables();
    const at::Tensor ys = saved[0].contiguous(), weights = saved[1].contiguous(), pos = saved[2];
    const at::Tensor grad = grads[0].contiguous();
    at::Tensor grad_ys, grad_w;
    if (ctx->needs_input_grad(0)) grad_ys = at::empty_like(ys);
    if (ctx->needs_input_grad(1)) grad_w = at::empty_like(weights);
    kernels::slot_scatter_dot_out(grad, ys, weights, pos, grad_ys.defined() ? &grad_ys : nullptr,
                                  grad_w.defined() ? &grad_w : nullptr);
    return {grad_ys, grad_w, at::Tensor()};
  }
};

void check_cuda(const at::Tensor& t, const char* where, const char* name) {
  check_input(t.is_cuda(), where, std::string(name) + " must be a CUDA tensor for the cuda dispatcher");
}

}  // namespace

DispatchPlan make_dispatch_plan_cuda(const Routing& routing) {
  const char* where = "make_dispatch_plan_cuda";
  check_routing(routing, where, /*check_indices=*/false);  // indices: checked by the kernels, no extra sync
  check_cuda(routing.expert_indices, where, "routing.expert_indices");
  check_input(routing.keep_mask.device() == routing.expert_indices.device(), where,
              "routing.keep_mask must be on the device of routing.expert_indices");
  const int64_t T = routing.num_tokens(), k = routing.top_k(), E = routing.num_experts;
  if (E > kernels::kPlanMaxExperts) return make_dispatch_plan_aten(routing);

  const auto opts = routing.expert_indices.options().dtype(at::kLong);
  at::Tensor token_index = at::empty({T * k}, opts), slot_index = at::empty({T * k}, opts);
  at::Tensor slot_position = at::empty({T, k}, opts), offsets_buf = at::empty({E + 2}, opts);
  kernels::dispatch_plan_out(routing.expert_indices.contiguous(), routing.keep_mask.contiguous(), E, token_index,
                             slot_index, slot_position, offsets_buf);
  const at::Tensor host = offsets_buf.cpu();  // the plan's one sync
  const int64_t* h = host.data_ptr<int64_t>();
  check_input(h[E + 1] == 0, where, "routing.expert_indices must lie in [0, " + std::to_string(E) + ") where kept");

  DispatchPlan plan;
  plan.num_tokens = T;
  plan.top_k = k;
  plan.num_experts = E;
  plan.offsets.assign(h, h + E + 1);
  const int64_t A = plan.offsets[E];
  plan.token_index = token_index.narrow(0, 0, A);
  plan.slot_index = slot_index.narrow(0, 0, A);
  plan.slot_position = slot_position;
  plan.expert_offsets = offsets_buf.narrow(0, 0, E + 1);
  return plan;
}

DispatchPlan CudaDispatcher::plan(const Routing& routing) const { return make_dispatch_plan_cuda(routing); }

at::Tensor CudaDispatcher::dispatch(const at::Tensor& x, const DispatchPlan& plan) const {
  check_cuda(x, "CudaDispatcher::dispatch", "x");
  check_input(x.dim() == 2 && x.size(0) == plan.num_tokens, "CudaDispatcher::dispatch",
              "x must be [T=" + std::to_string(plan.num_tokens) + ", D]");
  check_input(plan.token_index.device() == x.device(), "CudaDispatcher::dispatch",
              "x must be on the plan's device " + plan.token_index.device().str());
  return GatherRowsCuda::apply(x, plan.token_index, plan.slot_position);
}

at::Tensor CudaDispatcher::combine(const at::Tensor& ys, const at::Tensor& weights, const DispatchPlan& plan) const {
  check_cuda(ys, "CudaDispatcher::combine", "ys");
  check_input(ys.dim() == 2 && ys.size(0) == plan.num_rows(), "CudaDispatcher::combine",
              "ys must be [A=" + std::to_string(plan.num_rows()) + ", N]");
  check_input(weights.sizes() == plan.slot_position.sizes(), "CudaDispatcher::combine",
              "weights must be [T, k] like the routing");
  check_input(plan.slot_position.device() == ys.device() && weights.device() == ys.device(),
              "CudaDispatcher::combine", "ys, weights and the plan must be on one device");
  return CombineRowsCuda::apply(ys, weights.to(ys.scalar_type()), plan.slot_position);
}

}  // namespace moezoo::core
