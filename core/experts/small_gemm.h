#pragma once
/// Single-threaded fp32 matmuls for the few-row slices of a grouped matmul (one tile
/// of one expert), written for x86-64 AVX2 + FMA.
///
/// Why: with many experts each expert gets few rows (E = 64, T = 4096, k = 1: ~64),
/// and MKL's matmuls on such slices ran slower than one large matmul (README, issue 3).
///
///   small_gemm_nn: C[M, N]  = A[M, K] B[K, N] (+ bias[N])   forward: x w + b
///   small_gemm_nt: C[M, K]  = A[M, N] B[K, N]^T              dx = g w^T
///   small_gemm_tn: C[K, N]  = A[M, K]^T B[M, N]              dw = x^T g
///
/// All three are one 6 x 16 register tile (AVX2 FMA) over packed operands: 6-row
/// panels of the left operand and 16-column strips of the right one, packed per
/// 256-deep block so that a strip stays in L1. The weight is packed one strip at a
/// time into a small buffer (the next strip prefetched while the current one
/// computes); for dx its rows are packed with 8 x 8
/// register transposes. The implementation file explains why packing is needed at all.
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
