#include "core/kernels/selective_scan_cuda.h"

#include <torch/torch.h>

namespace moezoo::core::kernels {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

at::ScalarType promoted_dtype(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A, const at::Tensor& B,
                              const at::Tensor& C) {
  at::ScalarType t = x.scalar_type();
  for (const at::Tensor* other : {&delta, &A, &B, &C}) t = at::promote_types(t, other->scalar_type());
  return t;
}

/// y = scan(x, delta, A, B, C) without the skip term; inputs contiguous, one dtype.
struct SelectiveScanFunction : public torch::autograd::Function<SelectiveScanFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A,
                            const at::Tensor& B, const at::Tensor& C, bool wants_grad) {
    at::Tensor y = at::empty_like(x);
    at::Tensor checkpoints;
    if (wants_grad)
      checkpoints = at::empty({x.size(0), selective_scan_num_chunks(x.size(1)), x.size(2), A.size(1)},
                              x.options().dtype(at::kFloat));
    selective_scan_fwd_out(x, delta, A, B, C, y, checkpoints);
    ctx->save_for_backward({x, delta, A, B, C});
    // The checkpoints are an intermediate result (no gradient): kept as data, not as a saved variable.
    ctx->saved_data["checkpoints"] = checkpoints;
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    TORCH_CHECK(!at::GradMode::is_enabled(),
                "selective_scan: the CUDA kernel has first-order gradients only (no double backward)");
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &delta = saved[1], &A = saved[2], &B = saved[3], &C = saved[4];
    const at::Tensor checkpoints = ctx->saved_data["checkpoints"].toTensor();
    const at::Tensor grad_y = grads[0].to(x.scalar_type()).contiguous();
    const int64_t Bt = x.size(0), L = x.size(1), d = x.size(2), N = A.size(1);
    const int64_t groups = selective_scan_channel_groups(d, N);
    const auto f32 = x.options().dtype(at::kFloat);
    at::Tensor dx = at::empty_like(x), ddelta = at::empty_like(delta);
    at::Tensor dA_part = at::empty({Bt, d, N}, f32);
    at::Tensor dB_part = at::empty({Bt, groups, L, N}, f32), dC_part = at::empty({Bt, groups, L, N}, f32);
    selective_scan_bwd_out(x, delta, A, B, C, grad_y, checkpoints, dx, ddelta, dA_part, dB_part, dC_part);
    // Fixed-order ATen reductions of the per-block partial sums (deterministic).
    return {dx, ddelta, dA_part.sum(0).to(A.scalar_type()), dB_part.sum(1).to(B.scalar_type()),
            dC_part.sum(1).to(C.scalar_type()), at::Tensor()};
  }
};

}  // namespace

bool selective_scan_cuda_supported(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A,
                                   const at::Tensor& B, const at::Tensor& C) {
  if (!(x.is_cuda() && delta.is_cuda() && A.is_cuda() && B.is_cuda() && C.is_cuda())) return false;
  if (A.dim() != 2 || A.size(1) < 1 || A.size(1) > kScanMaxState || x.dim() != 3 || x.size(0) > 65535) return false;
  const at::ScalarType t = promoted_dtype(x, delta, A, B, C);
  return t == at::kFloat || t == at::kHalf || t == at::kBFloat16;
}

at::Tensor selective_scan_cuda(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A, const at::Tensor& B,
                               const at::Tensor& C, const at::Tensor& D) {
  const at::ScalarType t = promoted_dtype(x, delta, A, B, C);
  const auto prepare = [t](const at::Tensor& v) { return v.to(t).contiguous(); };
  // Checkpoints only when a backward can follow.
  const bool wants_grad = at::GradMode::is_enabled() && (x.requires_grad() || delta.requires_grad() ||
                                                         A.requires_grad() || B.requires_grad() || C.requires_grad());
  const at::Tensor y =
      SelectiveScanFunction::apply(prepare(x), prepare(delta), prepare(A), prepare(B), prepare(C), wants_grad);
  return D.defined() ? y + x * D : y;
}

}  // namespace moezoo::core::kernels
