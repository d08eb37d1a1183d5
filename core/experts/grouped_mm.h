#pragma once
/// Grouped matmul: one matmul per expert over that expert's contiguous rows.
///
///   out[o_e : o_{e+1}] = x[o_e : o_{e+1}] @ w[e] (+ bias[e])
///   x: [A, K], w: [E, K, N], bias: [E, N] or undefined, offsets: E + 1 row offsets
///   -> out: [A, N]
///
/// Backends (all compute the same function; gradients to x, w and bias):
/// - kLoop:      a custom autograd Function: one addmm_out per non-empty expert
///               straight into the output (and into dx, dw in backward), no
///               concatenation; BLAS parallelises each matmul.
/// - kTiled:     the same, but the per-expert matmuls are cut into fixed tiles
///               (row blocks forward, row blocks for dx, column blocks for dw)
///               that run in parallel, each single-threaded: fewer, larger
///               parallel regions when experts get few rows. Tiles do not depend
///               on the thread count, so neither do the results. In each tile,
///               float32 on an AVX2 CPU: core/experts/small_gemm.h (reads the
///               weights where they lie, once per tile); otherwise BLAS.
/// - kTiledBlas: kTiled with BLAS in every tile (the comparison for small_gemm).
/// - kAten:      at::_grouped_mm (float32 / bfloat16 only; others fall back to
///               kLoop), with its own autograd formula.
/// - kReference: plain per-expert at::mm + at::cat under ordinary autograd.
/// kAuto: see default_grouped_mm_backend. The tiles run through run_parallel_tasks
/// (core/experts/parallel_tasks.h); without OpenMP they would run one after another,
/// each with multi-threaded BLAS, which is why kAuto then means kLoop.

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <string>
#include <vector>

namespace moezoo::core {

enum class GroupedMmBackend { kAuto, kLoop, kTiled, kTiledBlas, kAten, kReference };

/// "auto" | "loop" | "tiled" | "tiled_blas" | "aten" | "reference"; throws moezoo::Error naming `key` otherwise.
GroupedMmBackend parse_grouped_mm_backend(const std::string& name, const std::string& key = "grouped_mm");
std::string to_string(GroupedMmBackend backend);
/// What kAuto means on `device`: kTiled on the CPU when run_parallel_tasks really runs
/// in parallel (a build with OpenMP), else kLoop. Measured with tools/bench at E=64,
/// T=4096, 2 threads (README): tiled 0.79-0.84x of the dense FFN at k=1 and ~0.9x at
/// k=2, loop (multi-threaded BLAS on each ~64-row matmul) 0.64x and 0.80x. On CUDA devices (builds
/// with CUDA) grouped_mm's kAuto asks cuda_grouped_mm_backend instead
/// (core/kernels/grouped_mm_cuda.h), which also looks at dtype, architecture and
/// alignment: at::_grouped_mm (kAten) for aligned bfloat16 on Hopper, kLoop otherwise.
GroupedMmBackend default_grouped_mm_backend(c10::Device device);

/// x: [A, K], w: [E, K, N], bias: [E, N] (or undefined), offsets: E + 1 ascending
/// row offsets with offsets[0] = 0 and offsets[E] = A -> [A, N]
at::Tensor grouped_mm(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                      const std::vector<int64_t>& offsets, GroupedMmBackend backend = GroupedMmBackend::kAuto);

}  // namespace moezoo::core
