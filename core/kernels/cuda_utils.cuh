#pragma once
/// Device helpers shared by the kernel headers of core/kernels: warp reductions in a
/// fixed butterfly order (so every lane ends with the same, run-to-run reproducible
/// value) and 16-byte vector packs.
///
/// The kernel headers (*_kernels.cuh) hold device code only, in namespace
/// moezoo::core::kernels::MOEZOO_KERNEL_NS. nvcc compiles them through the .cu files;
/// the tests also compile them as plain C++ under MOEZOO_KERNEL_EMULATION
/// (tests/core/kernels/kernel_emulator.h: one OS thread per CUDA thread, intrinsics
/// emulated, another namespace), which checks the kernels' logic where no GPU is.

#include <cstdint>

#ifndef MOEZOO_KERNEL_EMULATION
#include <cuda_runtime.h>
#define MOEZOO_KERNEL_NS device_code
/// A kernel's dynamic shared memory as an array of `type`.
#define MOEZOO_DYNAMIC_SHARED(type, name) extern __shared__ type name[]
#endif

namespace moezoo::core::kernels::MOEZOO_KERNEL_NS {

constexpr unsigned kFullMask = 0xffffffffu;
constexpr int kWarp = 32;

/// Sum over the 32 lanes; every lane gets the same bits (xor butterfly: each lane
/// adds the same partial sums in the same pairing).
template <typename T>
__device__ __forceinline__ T warp_sum(T v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(kFullMask, v, offset);
  return v;
}

/// Sum over aligned groups of `width` lanes (a power of two <= 32).
template <typename T>
__device__ __forceinline__ T group_sum(T v, int width) {
  for (int offset = width / 2; offset > 0; offset >>= 1) v += __shfl_xor_sync(kFullMask, v, offset);
  return v;
}

template <typename T>
__device__ __forceinline__ T warp_max(T v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) {
    const T other = __shfl_xor_sync(kFullMask, v, offset);
    v = other > v ? other : v;
  }
  return v;
}

/// N elements of T moved as one aligned access (16 bytes when N * sizeof(T) = 16).
template <typename T, int N>
struct alignas(sizeof(T) * N) Pack {
  T v[N];
};

template <typename T, int N>
__device__ __forceinline__ Pack<T, N> load_pack(const T* p) {
  return *reinterpret_cast<const Pack<T, N>*>(p);
}

template <typename T, int N>
__device__ __forceinline__ void store_pack(T* p, const Pack<T, N>& v) {
  *reinterpret_cast<Pack<T, N>*>(p) = v;
}

}  // namespace moezoo::core::kernels::MOEZOO_KERNEL_NS
