#pragma once
/// Single-threaded fp32 matmuls for the few-row slices of a grouped matmul (one tile
/// of one expert), written for x86-64 AVX2 + FMA.
///
/// Why: with many experts each expert gets few rows (E = 64, T = 4096, k = 1: ~64), and
/// a BLAS library packs the whole [K, N] weight into its own layout for those few rows
/// of work; MKL ran such matmuls at ~42 GFLOP/s on one core against ~75 for one large
/// matmul (README, issue 3). These kernels read the weight where it lies, once per
/// tile: each of the three products a grouped matmul needs (forward, dx, dw) is laid
/// out so that the long operand is read along its rows.
///
///   small_gemm_nn: C[M, N]  = A[M, K] B[K, N] (+ bias[N])   forward: x w + b
///     register tile 6 x 16 (rows of A broadcast, a 16-wide strip of B's rows);
///     strips outer, so a strip is read from memory once and reused from cache.
///   small_gemm_nt: C[M, K]  = A[M, N] B[K, N]^T              dx = g w^T
///     register tile 4 x 3 of dot products along N (both operands read along rows).
///   small_gemm_tn: C[K, N]  = A[M, K]^T B[M, N]              dw = x^T g
///     register tile 6 x 16, the sum over M in registers; C written once.
///
/// Row-major with leading dimensions (elements). Sums run in a fixed order (no
/// threads, no dependence on the machine's thread count). Call them only where
/// small_gemm_available() is true: the build is for x86-64 with GCC or Clang (the
/// file is compiled with AVX2 + FMA target attributes) and this CPU has both.
/// Compared with at::mm in tests/core/experts/test_small_gemm.cpp.

#include <cstdint>

namespace moezoo::core {

bool small_gemm_available();

void small_gemm_nn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb,
                   const float* bias, float* C, int64_t ldc);
void small_gemm_nt(int64_t M, int64_t K, int64_t N, const float* A, int64_t lda, const float* B, int64_t ldb,
                   float* C, int64_t ldc);
void small_gemm_tn(int64_t K, int64_t N, int64_t M, const float* A, int64_t lda, const float* B, int64_t ldb,
                   float* C, int64_t ldc);

}  // namespace moezoo::core
