#include "core/kernels/grouped_mm_cuda.h"

#include <ATen/cuda/CUDAContext.h>

#include <cstdint>

namespace moezoo::core {

namespace {

bool aligned16(const at::Tensor& t) { return reinterpret_cast<uintptr_t>(t.data_ptr()) % 16 == 0; }

}  // namespace

bool aten_grouped_mm_is_fused(const at::Tensor& x, const at::Tensor& w) {
  if (!x.is_cuda() || x.scalar_type() != at::kBFloat16 || w.scalar_type() != at::kBFloat16) return false;
  const cudaDeviceProp* prop = at::cuda::getDeviceProperties(x.device().index());
  if (prop->major != 9 && prop->major != 10) return false;
  // 16-byte rows: K for x (the reduction dim) and N for w and the output, in bf16 elements of 2 bytes.
  const int64_t K = w.size(1), N = w.size(2);
  return K % 8 == 0 && N % 8 == 0 && x.stride(-1) == 1 && x.stride(0) % 8 == 0 && w.stride(-1) == 1 &&
         w.stride(1) % 8 == 0 && aligned16(x) && aligned16(w);
}

GroupedMmBackend cuda_grouped_mm_backend(const at::Tensor& x, const at::Tensor& w) {
  // No rows: nothing for CUTLASS to do (and an empty x's null data pointer would pass
  // the alignment test); the loop returns the empty result and zero weight gradients.
  if (x.size(0) == 0 || !aten_grouped_mm_is_fused(x, w)) return GroupedMmBackend::kLoop;
  const bool hopper = at::cuda::getDeviceProperties(x.device().index())->major == 9;
  return hopper ? GroupedMmBackend::kAten : GroupedMmBackend::kLoop;
}

}  // namespace moezoo::core
