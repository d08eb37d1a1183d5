#include "core/dispatch/cpu_dispatcher.h"

#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <vector>

#include "core/util/error.h"

namespace moezoo::core {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Enough work per task to amortise the scheduling (about 32k multiply-adds).
int64_t token_grain(int64_t row_elems, int64_t k) { return std::max<int64_t>(1, 32768 / std::max<int64_t>(1, row_elems * k)); }

void check_no_double_backward(const char* where) {
  TORCH_CHECK(!at::GradMode::is_enabled(), where,
              ": the cpu dispatcher has first-order gradients only; use the 'aten' dispatch backend "
              "for double backward");
}

/// out[t] = sum_{j: pos[t,j] >= 0} w[t,j] * rows[pos[t,j]]  (w = 1 when undefined).
/// rows: [A, N], pos: [T, k] -> [T, N]
at::Tensor slot_sum(const at::Tensor& rows_in, const at::Tensor& pos, const at::Tensor& weights) {
  const at::Tensor rows = rows_in.contiguous();
  const int64_t T = pos.size(0), k = pos.size(1), N = rows.size(1);
  at::Tensor out = at::empty({T, N}, rows.options());
  const at::Tensor w = weights.defined() ? weights.contiguous() : weights;
  const int64_t* pos_p = pos.data_ptr<int64_t>();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, rows.scalar_type(), "slot_sum", [&] {
    using acc_t = at::opmath_type<scalar_t>;
    const scalar_t* rows_p = rows.data_ptr<scalar_t>();
    const scalar_t* w_p = w.defined() ? w.data_ptr<scalar_t>() : nullptr;
    scalar_t* out_p = out.data_ptr<scalar_t>();
    at::parallel_for(0, T, token_grain(N, k), [&](int64_t begin, int64_t end) {
      std::vector<acc_t> acc(N);
      for (int64_t t = begin; t < end; ++t) {
        std::fill(acc.begin(), acc.end(), acc_t(0));
        for (int64_t j = 0; j < k; ++j) {
          const int64_t p = pos_p[t * k + j];
          if (p < 0) continue;
          const scalar_t* r = rows_p + p * N;
          const acc_t wj = w_p ? static_cast<acc_t>(w_p[t * k + j]) : acc_t(1);
          for (int64_t d = 0; d < N; ++d) acc[d] += wj * static_cast<acc_t>(r[d]);
        }
        scalar_t* o = out_p + t * N;
        for (int64_t d = 0; d < N; ++d) o[d] = static_cast<scalar_t>(acc[d]);
      }
    });
  });
  return out;
}

/// The backward of combine: grad_rows[pos[t,j]] = w[t,j] * grad[t] (every sorted
/// row is written exactly once) and grad_w[t,j] = <grad[t], rows[pos[t,j]]>.
void slot_scatter_dot(const at::Tensor& grad_in, const at::Tensor& rows_in, const at::Tensor& w_in,
                      const at::Tensor& pos, int64_t A, at::Tensor* grad_rows, at::Tensor* grad_w) {
  const at::Tensor grad = grad_in.contiguous(), rows = rows_in.contiguous(), w = w_in.contiguous();
  const int64_t T = pos.size(0), k = pos.size(1), N = grad.size(1);
  if (grad_rows) *grad_rows = at::empty({A, N}, grad.options());
  if (grad_w) *grad_w = at::empty({T, k}, w.options());
  const int64_t* pos_p = pos.data_ptr<int64_t>();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, grad.scalar_type(), "slot_scatter_dot", [&] {
    using acc_t = at::opmath_type<scalar_t>;
    const scalar_t* g_p = grad.data_ptr<scalar_t>();
    const scalar_t* rows_p = rows.data_ptr<scalar_t>();
    const scalar_t* w_p = w.data_ptr<scalar_t>();
    scalar_t* gr_p = grad_rows ? grad_rows->data_ptr<scalar_t>() : nullptr;
    scalar_t* gw_p = grad_w ? grad_w->data_ptr<scalar_t>() : nullptr;
    at::parallel_for(0, T, token_grain(N, k), [&](int64_t begin, int64_t end) {
      for (int64_t t = begin; t < end; ++t) {
        const scalar_t* g = g_p + t * N;
        for (int64_t j = 0; j < k; ++j) {
          const int64_t s = t * k + j, p = pos_p[s];
          if (p < 0) {
            if (gw_p) gw_p[s] = scalar_t(0);
            continue;
          }
          if (gr_p) {
            const acc_t wj = static_cast<acc_t>(w_p[s]);
            scalar_t* o = gr_p + p * N;
            for (int64_t d = 0; d < N; ++d) o[d] = static_cast<scalar_t>(wj * static_cast<acc_t>(g[d]));
          }
          if (gw_p) {
            const scalar_t* r = rows_p + p * N;
            acc_t dot = 0;
            for (int64_t d = 0; d < N; ++d) dot += static_cast<acc_t>(g[d]) * static_cast<acc_t>(r[d]);
            gw_p[s] = static_cast<scalar_t>(dot);
          }
        }
      }
    });
  });
}

/// xs = x[token_index]; backward: grad_x[t] = sum_j grad_xs[pos[t, j]].
struct GatherRows : public torch::autograd::Function<GatherRows> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& token_index,
                            const at::Tensor& pos) {
    ctx->save_for_backward({pos});
    return x.index_select(0, token_index);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    check_no_double_backward("dispatch backward");
    const at::Tensor pos = ctx->get_saved_variables()[0];
    at::Tensor grad_x;
    if (ctx->needs_input_grad(0)) grad_x = slot_sum(grads[0], pos, at::Tensor());
    return {grad_x, at::Tensor(), at::Tensor()};
  }
};

/// out[t] = sum_j w[t, j] * ys[pos[t, j]].
struct CombineRows : public torch::autograd::Function<CombineRows> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& ys, const at::Tensor& weights,
                            const at::Tensor& pos) {
    ctx->save_for_backward({ys, weights, pos});
    return slot_sum(ys, pos, weights);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    check_no_double_backward("combine backward");
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &ys = saved[0], &weights = saved[1], &pos = saved[2];
    at::Tensor grad_ys, grad_w;
    slot_scatter_dot(grads[0], ys, weights, pos, ys.size(0), ctx->needs_input_grad(0) ? &grad_ys : nullptr,
                     ctx->needs_input_grad(1) ? &grad_w : nullptr);
    return {grad_ys, grad_w, at::Tensor()};
  }
};

void check_cpu(const at::Tensor& t, const char* where, const char* name) {
  check_input(t.device().is_cpu(), where, std::string(name) + " must be a CPU tensor for the cpu dispatcher");
}

}  // namespace

DispatchPlan CpuDispatcher::plan(const Routing& routing) const { return make_dispatch_plan_cpu(routing); }

at::Tensor CpuDispatcher::dispatch(const at::Tensor& x, const DispatchPlan& plan) const {
  check_cpu(x, "CpuDispatcher::dispatch", "x");
  check_input(x.dim() == 2 && x.size(0) == plan.num_tokens, "CpuDispatcher::dispatch",
              "x must be [T=" + std::to_string(plan.num_tokens) + ", D]");
  return GatherRows::apply(x, plan.token_index, plan.slot_position);
}

at::Tensor CpuDispatcher::combine(const at::Tensor& ys, const at::Tensor& weights, const DispatchPlan& plan) const {
  check_cpu(ys, "CpuDispatcher::combine", "ys");
  check_input(ys.dim() == 2 && ys.size(0) == plan.num_rows(), "CpuDispatcher::combine",
              "ys must be [A=" + std::to_string(plan.num_rows()) + ", N]");
  check_input(weights.sizes() == plan.slot_position.sizes(), "CpuDispatcher::combine",
              "weights must be [T, k] like the routing");
  return CombineRows::apply(ys, weights.to(ys.scalar_type()), plan.slot_position);
}

}  // namespace moezoo::core
