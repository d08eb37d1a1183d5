#pragma once
/// What GroupedMmBackend::kAuto (core/experts/grouped_mm.h) means for CUDA tensors.
///
/// Two candidates compute the expert bank's grouped matmul on a GPU, forward and
/// backward:
/// - kAten: at::_grouped_mm, whose CUTLASS grouped GEMM runs on compute capability
///   9.x and 10.x (Hopper, Blackwell) for bfloat16 only; one launch for all experts,
///   no host loop, offsets read on the device. Elsewhere ATen runs a per-group loop
///   after copying the offsets to the host, which is kLoop plus a sync.
/// - kLoop: one cuBLAS GEMM (at::mm_out) per non-empty expert straight into the
///   output, and two per expert in backward: E launches per matmul, each well shaped
///   when experts get hundreds of rows, but launch-bound when they get few.
/// The rule: kAten where the CUTLASS kernel runs on Hopper (bfloat16 x and w on compute
/// capability 9.x, rows of x, w and the output 16-byte aligned, as its TMA loads need),
/// kLoop otherwise. Not on Blackwell (10.x) although the kernel runs there: its weight
/// gradient of an expert without rows is not zero there (pytorch/pytorch#172439, open
/// in 2026; right on Hopper), and MoE batches have empty experts.
/// It is to be confirmed by measurement: tools/bench/moe_cuda_bench.cpp times both on
/// the same shapes (its --grouped-mm option overrides the choice; so does
/// MoELayerOptions::grouped_mm).

#include <ATen/core/Tensor.h>

#include "core/experts/grouped_mm.h"

namespace moezoo::core {

/// kAten or kLoop for x: [A, K], w: [E, K, N] on a CUDA device (see above).
GroupedMmBackend cuda_grouped_mm_backend(const at::Tensor& x, const at::Tensor& w);

/// Whether at::_grouped_mm runs its CUTLASS kernel (not its per-group fallback) on
/// these operands.
bool aten_grouped_mm_is_fused(const at::Tensor& x, const at::Tensor& w);

}  // namespace moezoo::core
