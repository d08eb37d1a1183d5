#pragma once
/// Helpers of the CUDA kernel tests: skipping without a GPU, poisoned outputs, and the
/// stated error bounds of a CUDA fast path against its CPU reference,
///   max |a - b| / max |b|  <  1e-5 (float32), 2e-3 (float16), 1e-2 (bfloat16),
/// where b is computed on the CPU in float64 from the same (rounded) inputs, or in the
/// same dtype with float32 accumulation. Reduced-precision bounds are a few units in
/// the last place of the output dtype (2^-8 = 3.9e-3 for bfloat16), since the kernels
/// accumulate in float32 and round once.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>
#include <vector>

#include "tests/core/moe/compare.h"

#define MOEZOO_REQUIRE_CUDA() \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device"

namespace moezoo::testing {

inline double cuda_tolerance(at::ScalarType dtype) {
  switch (dtype) {
    case at::kBFloat16: return 1e-2;
    case at::kHalf: return 2e-3;
    case at::kDouble: return 1e-12;
    default: return 1e-5;
  }
}

/// The sentinel an integer output is poisoned with.
constexpr int64_t kPoison = -777777;

/// Fills t with NaN (floating point) or kPoison (integers) so that an element a kernel
/// fails to write shows up in the comparison.
inline void poison(at::Tensor& t) {
  if (t.numel() == 0) return;
  if (t.is_floating_point()) t.fill_(std::numeric_limits<double>::quiet_NaN());
  else t.fill_(kPoison);
}

/// A poisoned empty tensor of the given shape and options.
inline at::Tensor poisoned(at::IntArrayRef sizes, const at::TensorOptions& options) {
  at::Tensor t = torch::empty(sizes, options);
  poison(t);
  return t;
}

/// Poisons the CUDA caching allocator: allocates blocks of both of its pools (small,
/// <= 1 MiB, and large), fills them with NaN bytes and frees them, so that tensors that
/// public APIs allocate next start as NaN rather than as zeros from a fresh cudaMalloc.
inline void poison_cuda_cache() {
  std::vector<at::Tensor> blocks;
  for (int i = 0; i < 64; ++i) blocks.push_back(torch::empty({1 << 18}, torch::dtype(torch::kFloat).device(torch::kCUDA)));
  blocks.push_back(torch::empty({1 << 24}, torch::dtype(torch::kFloat).device(torch::kCUDA)));
  for (auto& b : blocks) b.view(torch::kByte).fill_(0xFF);  // 0xFFFF... is NaN in every float dtype
  torch::cuda::synchronize();
}

inline bool all_finite(const at::Tensor& t) { return t.numel() == 0 || torch::isfinite(t).all().item<bool>(); }

}  // namespace moezoo::testing
