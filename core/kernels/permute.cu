#include "core/kernels/permute.h"

#include <ATen/Dispatch.h>
#include <ATen/cuda/CUDAContext.h>
#include <ATen/ops/cumsum.h>
#include <ATen/ops/empty.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>

#include "core/kernels/permute_kernels.cuh"

namespace moezoo::core::kernels {
namespace {

using namespace device_code;  // the kernels (permute_kernels.cuh)

void check_cuda(const at::Tensor& t, const char* what, c10::ScalarType dtype) {
  TORCH_CHECK(t.defined() && t.is_cuda(), what, " must be a CUDA tensor");
  TORCH_CHECK(t.scalar_type() == dtype, what, " must be ", dtype, ", got ", t.scalar_type());
  TORCH_CHECK(t.is_contiguous(), what, " must be contiguous");
}

}  // namespace

void dispatch_plan_out(const at::Tensor& expert_indices, const at::Tensor& keep_mask, int64_t num_experts,
                       at::Tensor& token_index, at::Tensor& slot_index, at::Tensor& slot_position,
                       at::Tensor& offsets_buf) {
  check_cuda(expert_indices, "expert_indices", at::kLong);
  check_cuda(keep_mask, "keep_mask", at::kBool);
  check_cuda(token_index, "token_index", at::kLong);
  check_cuda(slot_index, "slot_index", at::kLong);
  check_cuda(slot_position, "slot_position", at::kLong);
  check_cuda(offsets_buf, "offsets_buf", at::kLong);
  const int64_t S = expert_indices.numel(), E = num_experts;
  TORCH_CHECK(E >= 1 && E <= kPlanMaxExperts, "dispatch_plan_out: num_experts must be in [1, ", kPlanMaxExperts, "]");
  TORCH_CHECK(keep_mask.numel() == S && slot_position.numel() == S && token_index.numel() == S &&
                  slot_index.numel() == S && offsets_buf.numel() == E + 2,
              "dispatch_plan_out: inconsistent sizes");
  TORCH_CHECK(expert_indices.dim() == 2, "dispatch_plan_out: expert_indices must be [T, k]");
  const int64_t k = expert_indices.size(1);
  const c10::cuda::CUDAGuard guard(expert_indices.device());
  const cudaStream_t stream = at::cuda::getCurrentCUDAStream();
  int64_t* offsets = offsets_buf.data_ptr<int64_t>();
  int64_t* error_flag = offsets + E + 1;
  C10_CUDA_CHECK(cudaMemsetAsync(error_flag, 0, sizeof(int64_t), stream));
  if (S == 0) {
    C10_CUDA_CHECK(cudaMemsetAsync(offsets, 0, sizeof(int64_t) * (E + 1), stream));
    return;
  }
  const int64_t num_tiles = plan_tiles(S);
  TORCH_CHECK(num_tiles <= INT32_MAX, "dispatch_plan_out: too many slots");
  at::Tensor counts = at::empty({E * num_tiles}, expert_indices.options().dtype(at::kLong));
  const int64_t* idx = expert_indices.data_ptr<int64_t>();
  const bool* keep = keep_mask.data_ptr<bool>();
  plan_count_kernel<<<static_cast<unsigned>(num_tiles), kWarp, E * sizeof(int), stream>>>(
      idx, keep, S, E, num_tiles, counts.data_ptr<int64_t>(), error_flag);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  const at::Tensor inclusive = at::cumsum(counts, 0);
  plan_offsets_kernel<<<1, 256, 0, stream>>>(counts.data_ptr<int64_t>(), inclusive.data_ptr<int64_t>(), E, num_tiles,
                                             offsets);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  plan_scatter_kernel<<<static_cast<unsigned>(num_tiles), kWarp, E * sizeof(int64_t), stream>>>(
      idx, keep, S, k, E, num_tiles, counts.data_ptr<int64_t>(), inclusive.data_ptr<int64_t>(),
      token_index.data_ptr<int64_t>(), slot_index.data_ptr<int64_t>(), slot_position.data_ptr<int64_t>(), error_flag);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

void gather_rows_out(const at::Tensor& x, const at::Tensor& token_index, at::Tensor& out) {
  TORCH_CHECK(x.is_cuda() && x.dim() == 2 && x.is_contiguous(), "gather_rows_out: x must be a contiguous CUDA [T, D]");
  check_cuda(token_index, "token_index", at::kLong);
  check_cuda(out, "out", x.scalar_type());
  const int64_t A = token_index.numel(), D = x.size(1);
  TORCH_CHECK(out.dim() == 2 && out.size(0) == A && out.size(1) == D, "gather_rows_out: out must be [A, D]");
  if (A == 0 || D == 0) return;
  const c10::cuda::CUDAGuard guard(x.device());
  const cudaStream_t stream = at::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, x.scalar_type(), "gather_rows_out", [&] {
    const scalar_t* xp = x.data_ptr<scalar_t>();
    scalar_t* op = out.data_ptr<scalar_t>();
    const int64_t* ip = token_index.data_ptr<int64_t>();
    constexpr int kPack = 16 / sizeof(scalar_t);
    if (packable<scalar_t>(D, {xp, op}))
      gather_rows_kernel<scalar_t, kPack><<<static_cast<unsigned>(row_blocks(A)), kRowWarps * kWarp, 0, stream>>>(xp, ip, A, D, op);
    else
      gather_rows_kernel<scalar_t, 1><<<static_cast<unsigned>(row_blocks(A)), kRowWarps * kWarp, 0, stream>>>(xp, ip, A, D, op);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
}

void slot_sum_out(const at::Tensor& rows, const at::Tensor& pos, const at::Tensor& weights, at::Tensor& out) {
  TORCH_CHECK(rows.is_cuda() && rows.dim() == 2 && rows.is_contiguous(),
              "slot_sum_out: rows must be a contiguous CUDA [A, N]");
  check_cuda(pos, "pos", at::kLong);
  TORCH_CHECK(pos.dim() == 2, "slot_sum_out: pos must be [T, k]");
  const int64_t T = pos.size(0), k = pos.size(1), N = rows.size(1);
  if (weights.defined()) {
    check_cuda(weights, "weights", rows.scalar_type());
    TORCH_CHECK(weights.sizes() == pos.sizes(), "slot_sum_out: weights must be [T, k]");
  }
  check_cuda(out, "out", rows.scalar_type());
  TORCH_CHECK(out.dim() == 2 && out.size(0) == T && out.size(1) == N, "slot_sum_out: out must be [T, N]");
  if (T == 0 || N == 0) return;
  const c10::cuda::CUDAGuard guard(rows.device());
  const cudaStream_t stream = at::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, rows.scalar_type(), "slot_sum_out", [&] {
    const scalar_t* rp = rows.numel() > 0 ? rows.data_ptr<scalar_t>() : nullptr;
    const scalar_t* wp = weights.defined() ? weights.data_ptr<scalar_t>() : nullptr;
    scalar_t* op = out.data_ptr<scalar_t>();
    const int64_t* pp = pos.data_ptr<int64_t>();
    constexpr int kPack = 16 / sizeof(scalar_t);
    const bool pack = packable<scalar_t>(N, {rp, op});
    const dim3 grid(static_cast<unsigned>(row_blocks(T))), block(kRowWarps * kWarp);
    if (wp != nullptr) {
      if (pack) slot_sum_kernel<scalar_t, kPack, true><<<grid, block, 0, stream>>>(rp, pp, wp, T, k, N, op);
      else slot_sum_kernel<scalar_t, 1, true><<<grid, block, 0, stream>>>(rp, pp, wp, T, k, N, op);
    } else {
      if (pack) slot_sum_kernel<scalar_t, kPack, false><<<grid, block, 0, stream>>>(rp, pp, wp, T, k, N, op);
      else slot_sum_kernel<scalar_t, 1, false><<<grid, block, 0, stream>>>(rp, pp, wp, T, k, N, op);
    }
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
}

void slot_scatter_dot_out(const at::Tensor& grad, const at::Tensor& rows, const at::Tensor& weights,
                          const at::Tensor& pos, at::Tensor* grad_rows, at::Tensor* grad_w) {
  TORCH_CHECK(grad.is_cuda() && grad.dim() == 2 && grad.is_contiguous(),
              "slot_scatter_dot_out: grad must be a contiguous CUDA [T, N]");
  const auto dtype = grad.scalar_type();
  check_cuda(rows, "rows", dtype);
  check_cuda(weights, "weights", dtype);
  check_cuda(pos, "pos", at::kLong);
  TORCH_CHECK(pos.dim() == 2 && pos.size(0) == grad.size(0) && weights.sizes() == pos.sizes(),
              "slot_scatter_dot_out: pos and weights must be [T, k]");
  TORCH_CHECK(rows.dim() == 2 && rows.size(1) == grad.size(1), "slot_scatter_dot_out: rows must be [A, N]");
  const int64_t T = pos.size(0), k = pos.size(1), N = grad.size(1);
  if (grad_rows != nullptr) {
    check_cuda(*grad_rows, "grad_rows", dtype);
    TORCH_CHECK(grad_rows->sizes() == rows.sizes(), "slot_scatter_dot_out: grad_rows must be [A, N]");
  }
  if (grad_w != nullptr) {
    check_cuda(*grad_w, "grad_w", dtype);
    TORCH_CHECK(grad_w->sizes() == pos.sizes(), "slot_scatter_dot_out: grad_w must be [T, k]");
  }
  if (T == 0 || (grad_rows == nullptr && grad_w == nullptr)) return;
  const c10::cuda::CUDAGuard guard(grad.device());
  const cudaStream_t stream = at::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, dtype, "slot_scatter_dot_out", [&] {
    const scalar_t* gp = grad.data_ptr<scalar_t>();
    const scalar_t* rp = rows.numel() > 0 ? rows.data_ptr<scalar_t>() : nullptr;
    const scalar_t* wp = weights.data_ptr<scalar_t>();
    const int64_t* pp = pos.data_ptr<int64_t>();
    scalar_t* grp = grad_rows != nullptr && grad_rows->numel() > 0 ? grad_rows->data_ptr<scalar_t>() : nullptr;
    scalar_t* gwp = grad_w != nullptr ? grad_w->data_ptr<scalar_t>() : nullptr;
    constexpr int kPack = 16 / sizeof(scalar_t);
    const dim3 grid(static_cast<unsigned>(row_blocks(T))), block(kRowWarps * kWarp);
    if (packable<scalar_t>(N, {gp, rp, grp}))
      slot_scatter_dot_kernel<scalar_t, kPack><<<grid, block, 0, stream>>>(gp, rp, wp, pp, T, k, N, grp, gwp);
    else
      slot_scatter_dot_kernel<scalar_t, 1><<<grid, block, 0, stream>>>(gp, rp, wp, pp, T, k, N, grp, gwp);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
}

}  // namespace moezoo::core::kernels
