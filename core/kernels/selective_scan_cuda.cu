#include "core/kernels/selective_scan_cuda.h"

#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>

#include "core/kernels/selective_scan_kernels.cuh"

namespace moezoo::core::kernels {
namespace {

using namespace device_code;  // the kernels (selective_scan_kernels.cuh)

void check_input_tensor(const at::Tensor& t, at::ScalarType dtype, at::IntArrayRef sizes, const char* name) {
  TORCH_CHECK(t.defined() && t.is_cuda() && t.is_contiguous(), "selective_scan: ", name,
              " must be a contiguous CUDA tensor");
  TORCH_CHECK(t.scalar_type() == dtype, "selective_scan: ", name, " must be ", dtype, ", got ", t.scalar_type());
  TORCH_CHECK(t.sizes() == sizes, "selective_scan: ", name, " must be ", sizes, ", got ", t.sizes());
}

struct Shapes {
  int64_t Bt, L, d, N;
};

Shapes check_inputs(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A, const at::Tensor& B,
                    const at::Tensor& C) {
  TORCH_CHECK(x.dim() == 3 && A.dim() == 2, "selective_scan: x must be [Bt, L, d] and A [d, N]");
  const Shapes s{x.size(0), x.size(1), x.size(2), A.size(1)};
  const auto dtype = x.scalar_type();
  TORCH_CHECK(dtype == at::kFloat || dtype == at::kHalf || dtype == at::kBFloat16,
              "selective_scan: the CUDA kernel takes float, half or bfloat16, got ", dtype);
  TORCH_CHECK(s.N >= 1 && s.N <= kScanMaxState, "selective_scan: the CUDA kernel takes 1 <= N <= ", kScanMaxState);
  TORCH_CHECK(s.Bt <= 65535, "selective_scan: the CUDA kernel takes at most 65535 sequences per call");
  check_input_tensor(x, dtype, {s.Bt, s.L, s.d}, "x");
  check_input_tensor(delta, dtype, {s.Bt, s.L, s.d}, "delta");
  check_input_tensor(A, dtype, {s.d, s.N}, "A");
  check_input_tensor(B, dtype, {s.Bt, s.L, s.N}, "B");
  check_input_tensor(C, dtype, {s.Bt, s.L, s.N}, "C");
  return s;
}

template <typename F>
void dispatch_dtype(at::ScalarType dtype, const F& f) {
  switch (dtype) {
    case at::kFloat: f(float{}); break;
    case at::kHalf: f(c10::Half{}); break;
    default: f(c10::BFloat16{}); break;  // check_inputs admits no other dtype
  }
}

}  // namespace

int64_t selective_scan_num_chunks(int64_t length) { return (length + kScanChunk - 1) / kScanChunk; }

int64_t selective_scan_channel_groups(int64_t d_inner, int64_t d_state) {
  const int64_t channels = kThreads / lanes_per_channel(d_state);
  return (d_inner + channels - 1) / channels;
}

void selective_scan_fwd_out(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A, const at::Tensor& B,
                            const at::Tensor& C, at::Tensor& y, at::Tensor& checkpoints) {
  const Shapes s = check_inputs(x, delta, A, B, C);
  check_input_tensor(y, x.scalar_type(), {s.Bt, s.L, s.d}, "y");
  const int64_t n_chunks = selective_scan_num_chunks(s.L);
  if (checkpoints.defined()) check_input_tensor(checkpoints, at::kFloat, {s.Bt, n_chunks, s.d, s.N}, "checkpoints");
  if (s.Bt == 0 || s.L == 0 || s.d == 0) return;
  const c10::cuda::CUDAGuard guard(x.device());
  const cudaStream_t stream = at::cuda::getCurrentCUDAStream();
  const ScanArgs args{s.L, s.d, s.N, n_chunks, lanes_per_channel(s.N)};
  const dim3 grid(static_cast<unsigned>(selective_scan_channel_groups(s.d, s.N)), static_cast<unsigned>(s.Bt));
  float* ckpt = checkpoints.defined() ? checkpoints.data_ptr<float>() : nullptr;
  dispatch_dtype(x.scalar_type(), [&](auto tag) {
    using scalar_t = decltype(tag);
    const auto run = [&](auto kernel) {
      kernel<<<grid, kThreads, 0, stream>>>(x.data_ptr<scalar_t>(), delta.data_ptr<scalar_t>(), A.data_ptr<scalar_t>(),
                                            B.data_ptr<scalar_t>(), C.data_ptr<scalar_t>(), args,
                                            y.data_ptr<scalar_t>(), ckpt);
      C10_CUDA_KERNEL_LAUNCH_CHECK();
    };
    if (s.N <= 32) run(scan_fwd_kernel<scalar_t, 1>);
    else run(scan_fwd_kernel<scalar_t, 2>);
  });
}

void selective_scan_bwd_out(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A, const at::Tensor& B,
                            const at::Tensor& C, const at::Tensor& grad_y, const at::Tensor& checkpoints,
                            at::Tensor& dx, at::Tensor& ddelta, at::Tensor& dA_part, at::Tensor& dB_part,
                            at::Tensor& dC_part) {
  const Shapes s = check_inputs(x, delta, A, B, C);
  const auto dtype = x.scalar_type();
  const int64_t n_chunks = selective_scan_num_chunks(s.L);
  const int64_t groups = selective_scan_channel_groups(s.d, s.N);
  check_input_tensor(grad_y, dtype, {s.Bt, s.L, s.d}, "grad_y");
  check_input_tensor(checkpoints, at::kFloat, {s.Bt, n_chunks, s.d, s.N}, "checkpoints");
  check_input_tensor(dx, dtype, {s.Bt, s.L, s.d}, "dx");
  check_input_tensor(ddelta, dtype, {s.Bt, s.L, s.d}, "ddelta");
  check_input_tensor(dA_part, at::kFloat, {s.Bt, s.d, s.N}, "dA_part");
  check_input_tensor(dB_part, at::kFloat, {s.Bt, groups, s.L, s.N}, "dB_part");
  check_input_tensor(dC_part, at::kFloat, {s.Bt, groups, s.L, s.N}, "dC_part");
  if (s.Bt == 0 || s.d == 0) return;
  if (s.L == 0) {  // no steps: dA is an empty sum
    dA_part.zero_();
    return;
  }
  const c10::cuda::CUDAGuard guard(x.device());
  const cudaStream_t stream = at::cuda::getCurrentCUDAStream();
  const ScanArgs args{s.L, s.d, s.N, n_chunks, lanes_per_channel(s.N)};
  const dim3 grid(static_cast<unsigned>(groups), static_cast<unsigned>(s.Bt));
  const size_t shared = scan_bwd_shared_bytes(args.P, s.N);
  dispatch_dtype(dtype, [&](auto tag) {
    using scalar_t = decltype(tag);
    const auto run = [&](auto kernel) {
      kernel<<<grid, kThreads, shared, stream>>>(
          x.data_ptr<scalar_t>(), delta.data_ptr<scalar_t>(), A.data_ptr<scalar_t>(), B.data_ptr<scalar_t>(),
          C.data_ptr<scalar_t>(), grad_y.data_ptr<scalar_t>(), checkpoints.data_ptr<float>(), args,
          dx.data_ptr<scalar_t>(), ddelta.data_ptr<scalar_t>(), dA_part.data_ptr<float>(), dB_part.data_ptr<float>(),
          dC_part.data_ptr<float>());
      C10_CUDA_KERNEL_LAUNCH_CHECK();
    };
    if (s.N <= 32) run(scan_bwd_kernel<scalar_t, 1>);
    else run(scan_bwd_kernel<scalar_t, 2>);
  });
}

}  // namespace moezoo::core::kernels
