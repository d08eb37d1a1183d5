#pragma once
/// Device code of the fused top-k router (see core/kernels/fused_topk.h); launched from
/// fused_topk.cu, and compiled for the CPU emulation in the tests.

#include <climits>
#include <cmath>
#include <cstdint>

#include "core/kernels/cuda_utils.cuh"
#include "core/kernels/fused_topk.h"

namespace moezoo::core::kernels::MOEZOO_KERNEL_NS {

constexpr int kTokensPerBlock = 8;  // one warp per token
constexpr int kMaxK = static_cast<int>(kFusedTopKMaxK);

/// Launch geometry (host): blocks of kTokensPerBlock warps, and the dynamic shared
/// memory: per warp a copy of its token's E choice scores, then the block histogram.
inline int64_t topk_blocks(int64_t tokens) { return (tokens + kTokensPerBlock - 1) / kTokensPerBlock; }
inline size_t topk_shared_bytes(int64_t experts) {
  return sizeof(float) * kTokensPerBlock * experts + sizeof(int) * experts;
}

struct KernelParams {
  int k;
  int n_group;
  int topk_group;
  bool sigmoid;
  bool normalize;
  bool group_top2;
  float scaling;
};

/// Warp argmax over (value, index) pairs, ties to the lower index; every lane gets the winner.
__device__ __forceinline__ void warp_argmax(float& value, int& index) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) {
    const float v = __shfl_xor_sync(kFullMask, value, offset);
    const int i = __shfl_xor_sync(kFullMask, index, offset);
    if (v > value || (v == value && i < index)) {
      value = v;
      index = i;
    }
  }
}

// VPT: experts per lane (E <= 32 VPT). Shared memory: [kTokensPerBlock][E] float choice
// scores (group scoring), then [E] int block histogram.
template <typename scalar_t, int VPT>
__global__ void __launch_bounds__(kTokensPerBlock* kWarp)
    fused_topk_kernel(const scalar_t* __restrict__ logits, const float* __restrict__ bias, int64_t T, int E,
                      KernelParams p, float* __restrict__ probs, int64_t* __restrict__ indices,
                      scalar_t* __restrict__ weights, bool* __restrict__ keep,
                      unsigned long long* __restrict__ histogram) {
  MOEZOO_DYNAMIC_SHARED(float, smem);
  int* block_hist = reinterpret_cast<int*>(smem + kTokensPerBlock * E);
  for (int e = threadIdx.x; e < E; e += blockDim.x) block_hist[e] = 0;
  __syncthreads();

  const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
  const int64_t t = static_cast<int64_t>(blockIdx.x) * kTokensPerBlock + warp;
  if (t < T) {  // warp-uniform; no return, the block synchronises below
    const scalar_t* row = logits + t * E;
    float s[VPT], c[VPT];
#pragma unroll
    for (int i = 0; i < VPT; ++i) {
      const int e = lane + kWarp * i;
      s[i] = e < E ? static_cast<float>(row[e]) : -INFINITY;
    }
    // Scores as compute_scores: exp(x - max) / sum, or 1 / (1 + exp(-x)).
    if (p.sigmoid) {
#pragma unroll
      for (int i = 0; i < VPT; ++i) s[i] = lane + kWarp * i < E ? 1.0f / (1.0f + expf(-s[i])) : 0.0f;
    } else {
      float m = -INFINITY;
#pragma unroll
      for (int i = 0; i < VPT; ++i) m = fmaxf(m, s[i]);
      m = warp_max(m);
      float sum = 0.0f;
#pragma unroll
      for (int i = 0; i < VPT; ++i) {
        s[i] = lane + kWarp * i < E ? expf(s[i] - m) : 0.0f;
        sum += s[i];
      }
      sum = warp_sum(sum);
#pragma unroll
      for (int i = 0; i < VPT; ++i) s[i] = s[i] / sum;
    }
#pragma unroll
    for (int i = 0; i < VPT; ++i) {
      const int e = lane + kWarp * i;
      if (e < E && probs != nullptr) probs[t * E + e] = s[i];
      c[i] = e < E ? s[i] + (bias != nullptr ? bias[e] : 0.0f) : -INFINITY;
    }

    if (p.n_group > 1) {
      // Group scores from a shared copy of this token's choice scores: lane g scores group g.
      float* choice = smem + warp * E;
#pragma unroll
      for (int i = 0; i < VPT; ++i)
        if (lane + kWarp * i < E) choice[lane + kWarp * i] = c[i];
      __syncwarp();
      const int group_size = E / p.n_group;
      float group_score = -INFINITY;
      if (lane < p.n_group) {
        float m1 = -INFINITY, m2 = -INFINITY;
        for (int q = 0; q < group_size; ++q) {
          const float x = choice[lane * group_size + q];
          if (x > m1) {
            m2 = m1;
            m1 = x;
          } else if (x > m2) {
            m2 = x;
          }
        }
        group_score = p.group_top2 ? m1 + m2 : m1;
      }
      unsigned kept_groups = 0;
      bool taken = false;
      for (int r = 0; r < p.topk_group; ++r) {
        const bool candidate = lane < p.n_group && !taken;
        float v = candidate ? group_score : -INFINITY;
        int g = candidate ? lane : INT_MAX;
        warp_argmax(v, g);
        kept_groups |= 1u << (g & 31);
        if (lane == g) taken = true;
      }
#pragma unroll
      for (int i = 0; i < VPT; ++i) {
        const int e = lane + kWarp * i;
        if (e < E && ((kept_groups >> (e / group_size)) & 1u) == 0) c[i] = -INFINITY;
      }
    }

    // k rounds of warp argmax over the choice scores.
    bool picked[VPT];
#pragma unroll
    for (int i = 0; i < VPT; ++i) picked[i] = false;
    float chosen_score[kMaxK];
    int chosen_expert[kMaxK];
    float weight_sum = 0.0f;
#pragma unroll
    for (int j = 0; j < kMaxK; ++j) {
      chosen_score[j] = 0.0f;
      chosen_expert[j] = 0;
      if (j < p.k) {
        float v = -INFINITY;
        int best = INT_MAX;
#pragma unroll
        for (int i = 0; i < VPT; ++i) {
          const int e = lane + kWarp * i;
          if (e < E && !picked[i] && (c[i] > v || (c[i] == v && e < best))) {
            v = c[i];
            best = e;
          }
        }
        warp_argmax(v, best);
        float own = 0.0f;
#pragma unroll
        for (int i = 0; i < VPT; ++i) {
          if (lane + kWarp * i == best) {
            picked[i] = true;
            own = s[i];
          }
        }
        chosen_score[j] = __shfl_sync(kFullMask, own, best & 31);
        chosen_expert[j] = best;
        weight_sum += chosen_score[j];
      }
    }

    if (lane == 0) {
      // As select_topk: w / max(sum w, 1e-20), then * routed_scaling_factor.
      const float denom = fmaxf(weight_sum, 1e-20f);
#pragma unroll
      for (int j = 0; j < kMaxK; ++j) {
        if (j < p.k) {
          indices[t * p.k + j] = chosen_expert[j];
          if (keep != nullptr) keep[t * p.k + j] = true;  // dropless: every slot kept
          if (weights != nullptr) {
            float w = p.normalize ? chosen_score[j] / denom : chosen_score[j];
            if (p.scaling != 1.0f) w = w * p.scaling;
            weights[t * p.k + j] = static_cast<scalar_t>(w);
          }
          if (chosen_expert[j] >= 0 && chosen_expert[j] < E) atomicAdd(&block_hist[chosen_expert[j]], 1);
        }
      }
    }
  }

  __syncthreads();
  for (int e = threadIdx.x; e < E; e += blockDim.x)
    if (block_hist[e] != 0) atomicAdd(&histogram[e], static_cast<unsigned long long>(block_hist[e]));
}

}  // namespace moezoo::core::kernels::MOEZOO_KERNEL_NS
