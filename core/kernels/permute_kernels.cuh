#pragma once
/// Device code of the dispatch kernels (see core/kernels/permute.h for the algorithm);
/// launched from permute.cu, and compiled for the CPU emulation in the tests.

#include <ATen/OpMathType.h>

#include <cstdint>
#include <initializer_list>

#include "core/kernels/cuda_utils.cuh"
#include "core/kernels/permute.h"

namespace moezoo::core::kernels::MOEZOO_KERNEL_NS {

constexpr int kItemsPerLane = static_cast<int>(kPlanTile / kWarp);  // 32
static_assert(kPlanTile == kWarp * 32, "one warp takes 32 slots per lane");
constexpr int kRowWarps = 8;  // warps (rows or tokens) per block of the row kernels

// ---- launch geometry (host) -------------------------------------------------------

inline int64_t plan_tiles(int64_t slots) { return (slots + kPlanTile - 1) / kPlanTile; }
/// Blocks of the row kernels: one warp per row (gather) or token (sums).
inline int64_t row_blocks(int64_t rows) { return (rows + kRowWarps - 1) / kRowWarps; }

// Whether rows of `n` elements can move as 16-byte packs from/to these pointers.
template <typename scalar_t>
bool packable(int64_t n, std::initializer_list<const void*> pointers) {
  if ((n * static_cast<int64_t>(sizeof(scalar_t))) % 16 != 0) return false;
  for (const void* p : pointers)
    if (p != nullptr && reinterpret_cast<uintptr_t>(p) % 16 != 0) return false;
  return true;
}


// ---- plan ------------------------------------------------------------------------

// The expert of slot s when it is kept and valid, else -1; flags kept slots outside [0, E).
__device__ __forceinline__ int slot_key(const int64_t* idx, const bool* keep, int64_t s, int64_t S, int64_t E,
                                        int64_t* error_flag) {
  if (s >= S || !keep[s]) return -1;
  const int64_t e = idx[s];
  if (e < 0 || e >= E) {
    *error_flag = 1;  // every writer stores the same value
    return -1;
  }
  return static_cast<int>(e);
}

// One warp per tile: counts[e * num_tiles + tile] = kept slots of expert e in the tile.
__global__ void plan_count_kernel(const int64_t* __restrict__ idx, const bool* __restrict__ keep, int64_t S,
                                  int64_t E, int64_t num_tiles, int64_t* __restrict__ counts,
                                  int64_t* __restrict__ error_flag) {
  MOEZOO_DYNAMIC_SHARED(int, hist);
  const int lane = threadIdx.x;
  const int64_t tile = blockIdx.x;
  for (int64_t e = lane; e < E; e += kWarp) hist[e] = 0;
  __syncwarp();
  const int64_t base = tile * kPlanTile;
  for (int it = 0; it < kItemsPerLane; ++it) {
    const int key = slot_key(idx, keep, base + it * kWarp + lane, S, E, error_flag);
    if (key >= 0) atomicAdd(&hist[key], 1);
  }
  __syncwarp();
  for (int64_t e = lane; e < E; e += kWarp) counts[e * num_tiles + tile] = hist[e];
}

// offsets[e] = first row of expert e (the exclusive scan at its first tile); offsets[E] = A.
__global__ void plan_offsets_kernel(const int64_t* __restrict__ counts, const int64_t* __restrict__ inclusive,
                                    int64_t E, int64_t num_tiles, int64_t* __restrict__ offsets) {
  for (int64_t e = threadIdx.x; e < E; e += blockDim.x)
    offsets[e] = inclusive[e * num_tiles] - counts[e * num_tiles];
  if (threadIdx.x == 0) offsets[E] = inclusive[E * num_tiles - 1];
}

// One warp per tile, in slot order: lanes of one expert take consecutive rows in lane
// order after that expert's cursor, so the order within an expert is the slot order.
__global__ void plan_scatter_kernel(const int64_t* __restrict__ idx, const bool* __restrict__ keep, int64_t S,
                                    int64_t k, int64_t E, int64_t num_tiles, const int64_t* __restrict__ counts,
                                    const int64_t* __restrict__ inclusive, int64_t* __restrict__ token_index,
                                    int64_t* __restrict__ slot_index, int64_t* __restrict__ slot_position,
                                    int64_t* __restrict__ error_flag) {
  MOEZOO_DYNAMIC_SHARED(int64_t, cursor);
  const int lane = threadIdx.x;
  const int64_t tile = blockIdx.x;
  for (int64_t e = lane; e < E; e += kWarp) {
    const int64_t i = e * num_tiles + tile;
    cursor[e] = inclusive[i] - counts[i];
  }
  const int64_t base = tile * kPlanTile;
  // All loads first, so that the ordered walk below waits on shared memory only.
  int keys[kItemsPerLane];
#pragma unroll
  for (int it = 0; it < kItemsPerLane; ++it) keys[it] = slot_key(idx, keep, base + it * kWarp + lane, S, E, error_flag);
  __syncwarp();
  const unsigned lanes_below = (1u << lane) - 1u;
#pragma unroll
  for (int it = 0; it < kItemsPerLane; ++it) {
    const int64_t s = base + it * kWarp + lane;
    const int key = keys[it];
    const unsigned peers = __match_any_sync(kFullMask, key);
    if (key >= 0) {
      const int64_t row = cursor[key] + __popc(peers & lanes_below);
      token_index[row] = s / k;
      slot_index[row] = s;
      slot_position[s] = row;
    } else if (s < S) {
      slot_position[s] = -1;
    }
    __syncwarp();
    if (key >= 0 && lane == __ffs(peers) - 1) cursor[key] += __popc(peers);
    __syncwarp();
  }
}

template <typename scalar_t, int V>
__global__ void gather_rows_kernel(const scalar_t* __restrict__ x, const int64_t* __restrict__ token_index,
                                   int64_t A, int64_t D, scalar_t* __restrict__ out) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kRowWarps + threadIdx.x / kWarp;
  if (row >= A) return;
  const int lane = threadIdx.x % kWarp;
  const scalar_t* src = x + token_index[row] * D;
  scalar_t* dst = out + row * D;
  const int64_t packs = D / V;
#pragma unroll 4
  for (int64_t i = lane; i < packs; i += kWarp) store_pack<scalar_t, V>(dst + i * V, load_pack<scalar_t, V>(src + i * V));
}

template <typename scalar_t, int V, bool kWeighted>
__global__ void slot_sum_kernel(const scalar_t* __restrict__ rows, const int64_t* __restrict__ pos,
                                const scalar_t* __restrict__ weights, int64_t T, int64_t k, int64_t N,
                                scalar_t* __restrict__ out) {
  using acc_t = at::opmath_type<scalar_t>;
  const int64_t t = static_cast<int64_t>(blockIdx.x) * kRowWarps + threadIdx.x / kWarp;
  if (t >= T) return;
  const int lane = threadIdx.x % kWarp;
  const int64_t packs = N / V;
  for (int64_t i = lane; i < packs; i += kWarp) {
    acc_t acc[V];
#pragma unroll
    for (int q = 0; q < V; ++q) acc[q] = acc_t(0);
    for (int64_t j = 0; j < k; ++j) {
      const int64_t p = pos[t * k + j];
      if (p < 0) continue;
      const acc_t w = kWeighted ? static_cast<acc_t>(weights[t * k + j]) : acc_t(1);
      const Pack<scalar_t, V> r = load_pack<scalar_t, V>(rows + p * N + i * V);
#pragma unroll
      for (int q = 0; q < V; ++q) acc[q] += w * static_cast<acc_t>(r.v[q]);
    }
    Pack<scalar_t, V> o;
#pragma unroll
    for (int q = 0; q < V; ++q) o.v[q] = static_cast<scalar_t>(acc[q]);
    store_pack<scalar_t, V>(out + t * N + i * V, o);
  }
}

template <typename scalar_t, int V>
__global__ void slot_scatter_dot_kernel(const scalar_t* __restrict__ grad, const scalar_t* __restrict__ rows,
                                        const scalar_t* __restrict__ weights, const int64_t* __restrict__ pos,
                                        int64_t T, int64_t k, int64_t N, scalar_t* __restrict__ grad_rows,
                                        scalar_t* __restrict__ grad_w) {
  using acc_t = at::opmath_type<scalar_t>;
  const int64_t t = static_cast<int64_t>(blockIdx.x) * kRowWarps + threadIdx.x / kWarp;
  if (t >= T) return;
  const int lane = threadIdx.x % kWarp;
  const int64_t packs = N / V;
  const scalar_t* g_row = grad + t * N;
  for (int64_t j = 0; j < k; ++j) {
    const int64_t s = t * k + j;
    const int64_t p = pos[s];  // the same in every lane: the branches below are warp-uniform
    if (p < 0) {
      if (grad_w != nullptr && lane == 0) grad_w[s] = scalar_t(0);
      continue;
    }
    const acc_t w = static_cast<acc_t>(weights[s]);
    acc_t dot = acc_t(0);
    for (int64_t i = lane; i < packs; i += kWarp) {
      const Pack<scalar_t, V> g = load_pack<scalar_t, V>(g_row + i * V);
      if (grad_rows != nullptr) {
        Pack<scalar_t, V> o;
#pragma unroll
        for (int q = 0; q < V; ++q) o.v[q] = static_cast<scalar_t>(w * static_cast<acc_t>(g.v[q]));
        store_pack<scalar_t, V>(grad_rows + p * N + i * V, o);
      }
      if (grad_w != nullptr) {
        const Pack<scalar_t, V> r = load_pack<scalar_t, V>(rows + p * N + i * V);
#pragma unroll
        for (int q = 0; q < V; ++q) dot += static_cast<acc_t>(g.v[q]) * static_cast<acc_t>(r.v[q]);
      }
    }
    if (grad_w != nullptr) {
      dot = warp_sum(dot);
      if (lane == 0) grad_w[s] = static_cast<scalar_t>(dot);
    }
  }
}

}  // namespace moezoo::core::kernels::MOEZOO_KERNEL_NS
