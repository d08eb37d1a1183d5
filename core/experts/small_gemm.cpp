#include "core/experts/small_gemm.h"

#include <algorithm>
#include <vector>

#include "core/util/error.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MOEZOO_SMALL_GEMM 1
#include <immintrin.h>
#else
#define MOEZOO_SMALL_GEMM 0
#endif

namespace moezoo::core {

#if MOEZOO_SMALL_GEMM

bool small_gemm_available() {
  static const bool available = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return available;
}

// Everything below is compiled for AVX2 + FMA, whatever the build's -march; it runs
// only behind small_gemm_available().
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

namespace {

// All three products are C[I, J] (+)= sum_p a(i, p) b(p, j) over strided views of
// the operands, computed by one 6 x 16 register tile on packed panels:
//   a panel: 6 rows of a, interleaved along p ([pc][6]);
//   b strip: 16 columns of b, contiguous along p ([pc][16]).
// Packing makes the tile's reads contiguous whatever the operand's layout: a weight
// row of N = 1024 floats is 4 KiB long, so a column strip read in place would put
// every row in the same L1 (and few L2) cache sets and miss on every access.
constexpr int kTileRows = 6, kTileCols = 16, kLanes = 8;
constexpr int64_t kDepthBlock = 256;  // p per pass: a b strip of 16 KiB stays in L1

/// A strided matrix view: element (r, c) at data[r * row_stride + c * col_stride].
struct View {
  const float* data;
  int64_t row_stride, col_stride;
  const float* at(int64_t r, int64_t c) const { return data + r * row_stride + c * col_stride; }
};

/// dst[c * ldd + r] = src[r * lds + c] for r, c < 8.
void transpose_8x8(const float* src, int64_t lds, float* dst, int64_t ldd) {
  __m256 r[8], t[8];
  for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * lds);
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4)
    for (int j = 0; j < 2; ++j) {
      r[i + j] = _mm256_shuffle_ps(t[i + j], t[i + j + 2], _MM_SHUFFLE(1, 0, 1, 0));
      r[i + j + 2] = _mm256_shuffle_ps(t[i + j], t[i + j + 2], _MM_SHUFFLE(3, 2, 3, 2));
    }
  // r[0..3] hold rows 0-3 in columns {0,4}, {2,6}, {1,5}, {3,7} order; r[4..7] rows 4-7.
  const int order[4] = {0, 2, 1, 3};
  for (int q = 0; q < 4; ++q) {
    _mm256_storeu_ps(dst + order[q] * ldd, _mm256_permute2f128_ps(r[q], r[q + 4], 0x20));
    _mm256_storeu_ps(dst + (order[q] + 4) * ldd, _mm256_permute2f128_ps(r[q], r[q + 4], 0x31));
  }
}

/// dst[p * width + w] = v(w0 + w, p0 + p) if w < count, else 0 (v indexed (panel row, depth)).
void pack_transposed(const View& v, int64_t w0, int64_t count, int64_t p0, int64_t depth, int width, float* dst) {
  int64_t done = 0;  // depth already packed by the 8 x 8 transposes
  if (v.col_stride == 1 && count == width && width % kLanes == 0) {
    for (; done + kLanes <= depth; done += kLanes)
      for (int w = 0; w < width; w += kLanes)
        transpose_8x8(v.at(w0 + w, p0 + done), v.row_stride, dst + done * width + w, width);
    if (done == depth) return;
  }
  if (count < width) std::fill(dst + done * width, dst + depth * width, 0.0f);
  for (int64_t w = 0; w < count; ++w) {  // along the view's rows: read each one in order
    const float* src = v.at(w0 + w, p0);
    for (int64_t p = done; p < depth; ++p) dst[p * width + w] = src[p * v.col_stride];
  }
}

/// dst[p * width + w] = v(p0 + p, w0 + w) if w < count, else 0 (v indexed (depth, strip column)).
void pack_rows(const View& v, int64_t w0, int64_t count, int64_t p0, int64_t depth, int width, float* dst) {
  for (int64_t p = 0; p < depth; ++p) {
    const float* src = v.at(p0 + p, w0);
    float* out = dst + p * width;
    if (v.col_stride == 1 && count == width && width % kLanes == 0) {
      for (int w = 0; w < width; w += kLanes) _mm256_storeu_ps(out + w, _mm256_loadu_ps(src + w));
      continue;
    }
    for (int64_t w = 0; w < count; ++w) out[w] = src[w * v.col_stride];
    for (int64_t w = count; w < width; ++w) out[w] = 0.0f;
  }
}

/// Packs `count` panel rows/strip columns starting at w0 over depth [p0, p0 + depth).
/// `by_depth`: the view is indexed (depth, w) (else (w, depth)); the loop runs along
/// whichever index is contiguous in memory.
void pack(const View& v, bool by_depth, int64_t w0, int64_t count, int64_t p0, int64_t depth, int width, float* dst) {
  if (by_depth) {
    if (v.col_stride == 1) pack_rows(v, w0, count, p0, depth, width, dst);
    else pack_transposed(View{v.data, v.col_stride, v.row_stride}, w0, count, p0, depth, width, dst);
  } else {
    if (v.col_stride == 1) pack_transposed(v, w0, count, p0, depth, width, dst);
    else pack_rows(View{v.data, v.col_stride, v.row_stride}, w0, count, p0, depth, width, dst);
  }
}

/// acc[6][16] = sum_p a[p][0..5] x b[p][0..15]. Inlined so that acc lives in registers
/// (a call through memory ran at a third of the speed).
#define MOEZOO_INLINE inline __attribute__((always_inline))
MOEZOO_INLINE void tile_6x16(int64_t depth, const float* a, const float* b, __m256 acc[kTileRows][2]) {
  for (int i = 0; i < kTileRows; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (int64_t p = 0; p < depth; ++p) {
    const __m256 b0 = _mm256_loadu_ps(b + p * kTileCols), b1 = _mm256_loadu_ps(b + p * kTileCols + kLanes);
    for (int i = 0; i < kTileRows; ++i) {
      const __m256 x = _mm256_broadcast_ss(a + p * kTileRows + i);
      acc[i][0] = _mm256_fmadd_ps(x, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(x, b1, acc[i][1]);
    }
  }
}

/// C tile (rows x cols valid) = acc + (first ? bias : C). (Non-temporal stores for
/// the weight gradient, which is written once, measured slower: 70-73 GFLOP/s against
/// 75-87.)
MOEZOO_INLINE void store_tile(__m256 acc[kTileRows][2], int rows, int cols, bool first, const float* bias, float* C,
                              int64_t ldc) {
  if (rows == kTileRows && cols == kTileCols) {
    const __m256 b0 = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
    const __m256 b1 = bias ? _mm256_loadu_ps(bias + kLanes) : _mm256_setzero_ps();
    for (int i = 0; i < kTileRows; ++i) {
      float* c = C + i * ldc;
      _mm256_storeu_ps(c, _mm256_add_ps(acc[i][0], first ? b0 : _mm256_loadu_ps(c)));
      _mm256_storeu_ps(c + kLanes, _mm256_add_ps(acc[i][1], first ? b1 : _mm256_loadu_ps(c + kLanes)));
    }
    return;
  }
  alignas(32) float tile[kTileRows][kTileCols];
  for (int i = 0; i < kTileRows; ++i) {
    _mm256_store_ps(tile[i], acc[i][0]);
    _mm256_store_ps(tile[i] + kLanes, acc[i][1]);
  }
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) C[i * ldc + j] = tile[i][j] + (first ? (bias ? bias[j] : 0.0f) : C[i * ldc + j]);
}

/// C[I, J] = sum_p a(i, p) b(p, j) (+ bias[j]); a is indexed (i, p), b (p, j).
void packed_gemm(int64_t I, int64_t J, int64_t P, const View& a, const View& b, const float* bias, float* C,
                 int64_t ldc) {
  if (I == 0 || J == 0) return;
  const int64_t panels = (I + kTileRows - 1) / kTileRows;
  thread_local std::vector<float> a_packed, b_packed;  // per OpenMP thread: tiles run in parallel
  const int64_t block = std::min(P, kDepthBlock);
  a_packed.resize(static_cast<size_t>(panels * kTileRows * std::max<int64_t>(block, 1)));
  b_packed.resize(static_cast<size_t>(kTileCols * std::max<int64_t>(block, 1)));
  if (P == 0) {  // an empty sum: C = bias or 0
    __m256 zero[kTileRows][2];
    for (auto& row : zero) row[0] = row[1] = _mm256_setzero_ps();
    for (int64_t i = 0; i < I; i += kTileRows)
      for (int64_t j = 0; j < J; j += kTileCols)
        store_tile(zero, static_cast<int>(std::min<int64_t>(kTileRows, I - i)),
                   static_cast<int>(std::min<int64_t>(kTileCols, J - j)), true, bias ? bias + j : nullptr,
                   C + i * ldc + j, ldc);
    return;
  }
  for (int64_t p0 = 0; p0 < P; p0 += kDepthBlock) {
    const int64_t depth = std::min(kDepthBlock, P - p0);
    for (int64_t t = 0; t < panels; ++t)
      pack(a, false, t * kTileRows, std::min<int64_t>(kTileRows, I - t * kTileRows), p0, depth, kTileRows,
           a_packed.data() + t * kTileRows * depth);
    for (int64_t j = 0; j < J; j += kTileCols) {
      const int cols = static_cast<int>(std::min<int64_t>(kTileCols, J - j));
      pack(b, true, j, cols, p0, depth, kTileCols, b_packed.data());
      // The next strip's rows of b, when they are strided (a weight's column strip), are
      // fetched while this strip computes: a 2-4 KiB stride crosses a page every row or
      // two, where the hardware prefetchers stop, and the pack would wait on memory.
      const bool prefetch = b.col_stride == 1 && j + kTileCols < J;
      const int64_t per_panel = (depth + panels - 1) / panels;
      for (int64_t t = 0; t < panels; ++t) {
        if (prefetch)
          for (int64_t p = t * per_panel; p < std::min(depth, (t + 1) * per_panel); ++p)
            _mm_prefetch(reinterpret_cast<const char*>(b.at(p0 + p, j + kTileCols)), _MM_HINT_T0);
        __m256 acc[kTileRows][2];
        tile_6x16(depth, a_packed.data() + t * kTileRows * depth, b_packed.data(), acc);
        const int64_t i = t * kTileRows;
        store_tile(acc, static_cast<int>(std::min<int64_t>(kTileRows, I - i)), cols, p0 == 0,
                   bias ? bias + j : nullptr, C + i * ldc + j, ldc);
      }
    }
  }
}

}  // namespace

void small_gemm_nn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb,
                   const float* bias, float* C, int64_t ldc) {
  packed_gemm(M, N, K, View{A, lda, 1}, View{B, ldb, 1}, bias, C, ldc);
}

void small_gemm_nt(int64_t M, int64_t K, int64_t N, const float* A, int64_t lda, const float* B, int64_t ldb,
                   float* C, int64_t ldc) {
  // b(p = n, j = k) = B[k][n]
  packed_gemm(M, K, N, View{A, lda, 1}, View{B, 1, ldb}, nullptr, C, ldc);
}

void small_gemm_tn(int64_t K, int64_t N, int64_t M, const float* A, int64_t lda, const float* B, int64_t ldb,
                   float* C, int64_t ldc) {
  // a(i = k, p = m) = A[m][k]
  packed_gemm(K, N, M, View{A, 1, lda}, View{B, ldb, 1}, nullptr, C, ldc);
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#else  // not x86-64 with GCC or Clang

bool small_gemm_available() { return false; }

namespace {
[[noreturn]] void unavailable() { throw Error("small_gemm: not built for this machine (x86-64 AVX2 only)"); }
}  // namespace

void small_gemm_nn(int64_t, int64_t, int64_t, const float*, int64_t, const float*, int64_t, const float*, float*,
                   int64_t) {
  unavailable();
}
void small_gemm_nt(int64_t, int64_t, int64_t, const float*, int64_t, const float*, int64_t, float*, int64_t) {
  unavailable();
}
void small_gemm_tn(int64_t, int64_t, int64_t, const float*, int64_t, const float*, int64_t, float*, int64_t) {
  unavailable();
}

#endif

}  // namespace moezoo::core
