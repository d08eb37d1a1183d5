#pragma once
/// A CPU emulator for the device code of core/kernels (*_kernels.cuh), so that the
/// kernels' index arithmetic, warp collectives and shared-memory protocols are tested
/// on machines without a GPU (every CI run), not only on the lent GPU machine.
///
/// Every CUDA thread of a block is a fiber (ucontext) on the calling OS thread; a block
/// runs to completion before the next. Warp shuffles, __match_any_sync, __syncwarp and
/// __syncthreads are barriers on which a fiber yields until all its warp (block) has
/// arrived, so lanes run in lockstep at every collective, as on a GPU. A pass in which
/// no fiber arrives anywhere is a deadlock (a collective that not every lane reaches):
/// the launch stops and reports it. Shared memory starts filled with 0xFF bytes (NaN,
/// -1), so a read before a write shows. "Device" pointers are CPU tensors' pointers.
///
/// Include this header before any kernel header; it defines MOEZOO_KERNEL_EMULATION,
/// the CUDA qualifiers as plain C++, threadIdx & co. and the intrinsics the kernels use,
/// and puts the kernels in namespace moezoo::core::kernels::emulated.

#include <ucontext.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#define MOEZOO_KERNEL_EMULATION 1
#define MOEZOO_KERNEL_NS emulated
#undef __global__
#undef __device__
#undef __forceinline__
#undef __launch_bounds__
#define __global__ inline
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define MOEZOO_DYNAMIC_SHARED(type, name) type* name = reinterpret_cast<type*>(::moezoo::emu::shared_memory())
#define threadIdx (::moezoo::emu::thread_index())
#define blockIdx (::moezoo::emu::block_index())
#define blockDim (::moezoo::emu::block_dim())
#define gridDim (::moezoo::emu::grid_dim())

namespace moezoo::emu {

struct Dim3 {
  unsigned x = 1, y = 1, z = 1;
};

struct Barrier {
  int expected = 0, arrived = 0;
  uint64_t generation = 0;
};

struct Fiber {
  ucontext_t context{};
  std::vector<char> stack;
  bool done = false;
};

/// The block being run: its fibers, barriers, shuffle slots and shared memory.
struct BlockState {
  Dim3 block_index, block_dim, grid_dim;
  std::vector<Fiber> fibers;
  std::vector<Barrier> warp_barriers;
  Barrier block_barrier;
  std::vector<uint64_t> slots;  // 32 per warp, one 8-byte value per lane
  std::vector<unsigned char> shared;
  std::function<void()> body;
  ucontext_t scheduler{};
  int current = 0;
  bool progressed = false;
};

inline BlockState*& current_block() {
  static BlockState* block = nullptr;
  return block;
}

inline Dim3 thread_index() { return {static_cast<unsigned>(current_block()->current), 1, 1}; }
inline Dim3 block_index() { return current_block()->block_index; }
inline Dim3 block_dim() { return current_block()->block_dim; }
inline Dim3 grid_dim() { return current_block()->grid_dim; }
inline void* shared_memory() { return current_block()->shared.data(); }

inline void yield() {
  BlockState& b = *current_block();
  swapcontext(&b.fibers[b.current].context, &b.scheduler);
}

inline void wait(Barrier& barrier) {
  BlockState& b = *current_block();
  b.progressed = true;
  const uint64_t generation = barrier.generation;
  if (++barrier.arrived == barrier.expected) {
    barrier.arrived = 0;
    ++barrier.generation;
    return;
  }
  while (barrier.generation == generation) yield();
}

inline void warp_wait() {
  BlockState& b = *current_block();
  wait(b.warp_barriers[b.current / 32]);
}

/// Lane `lane` of the caller's warp writes v; every lane reads the value of src_of(lane).
template <typename T, typename SrcOf>
T exchange(T v, SrcOf src_of) {
  static_assert(sizeof(T) <= sizeof(uint64_t), "8-byte values at most");
  BlockState& b = *current_block();
  const int warp = b.current / 32, lane = b.current % 32;
  std::memcpy(&b.slots[warp * 32 + lane], &v, sizeof(T));
  warp_wait();
  T out;
  std::memcpy(&out, &b.slots[warp * 32 + (src_of(lane) & 31)], sizeof(T));
  warp_wait();
  return out;
}

/// Readies f to run fiber_entry on its own stack, returning to `link` at the end. Apart
/// from launch() because getcontext returns twice (locals of its caller could be
/// clobbered).
[[gnu::noinline]] inline void prepare_fiber(Fiber& f, ucontext_t* link, void (*entry)()) {
  f.done = false;
  getcontext(&f.context);
  f.context.uc_stack.ss_sp = f.stack.data();
  f.context.uc_stack.ss_size = f.stack.size();
  f.context.uc_link = link;
  makecontext(&f.context, entry, 0);
}

inline void fiber_entry() {
  BlockState& b = *current_block();
  b.body();
  b.fibers[b.current].done = true;
  b.progressed = true;
}

/// Runs kernel(args...) over the grid, one block after another. Throws std::runtime_error
/// on a deadlock (a barrier some thread of the warp or block never reaches).
template <typename Kernel, typename... Args>
void launch(Dim3 grid, Dim3 block, size_t shared_bytes, Kernel kernel, Args... args) {
  const int threads = static_cast<int>(block.x * block.y * block.z);
  if (threads % 32 != 0) throw std::runtime_error("emulator: block sizes must be multiples of 32");
  constexpr size_t kStack = 64 * 1024;
  BlockState b;
  b.block_dim = block;
  b.grid_dim = grid;
  b.fibers.resize(threads);
  for (auto& f : b.fibers) f.stack.resize(kStack);
  b.body = [&] { kernel(args...); };
  current_block() = &b;
  for (unsigned z = 0; z < grid.z; ++z)
    for (unsigned y = 0; y < grid.y; ++y)
      for (unsigned x = 0; x < grid.x; ++x) {
        b.block_index = {x, y, z};
        b.warp_barriers.assign(threads / 32, Barrier{32, 0, 0});
        b.block_barrier = Barrier{threads, 0, 0};
        b.slots.assign(threads, 0);
        b.shared.assign(shared_bytes + 16, 0xFF);
        for (auto& f : b.fibers) prepare_fiber(f, &b.scheduler, &fiber_entry);
        for (;;) {
          bool all_done = true;
          b.progressed = false;
          for (int i = 0; i < threads; ++i) {
            if (b.fibers[i].done) continue;
            all_done = false;
            b.current = i;
            swapcontext(&b.scheduler, &b.fibers[i].context);
          }
          if (all_done) break;
          if (!b.progressed) {
            current_block() = nullptr;
            throw std::runtime_error("emulator: deadlock in block (" + std::to_string(x) + ", " + std::to_string(y) +
                                     "): a collective that not every thread reaches");
          }
        }
      }
  current_block() = nullptr;
}

}  // namespace moezoo::emu

// ---- the CUDA intrinsics the kernels use ------------------------------------------------

template <typename T>
inline T __shfl_xor_sync(unsigned /*mask*/, T v, int offset) {
  return ::moezoo::emu::exchange(v, [offset](int lane) { return lane ^ offset; });
}
template <typename T>
inline T __shfl_sync(unsigned /*mask*/, T v, int src) {
  return ::moezoo::emu::exchange(v, [src](int) { return src; });
}
inline unsigned __match_any_sync(unsigned /*mask*/, int v) {
  using namespace ::moezoo::emu;
  BlockState& b = *current_block();
  const int warp = b.current / 32;
  uint64_t mine = 0;
  std::memcpy(&mine, &v, sizeof(int));
  b.slots[warp * 32 + b.current % 32] = mine;
  warp_wait();
  unsigned peers = 0;
  for (int lane = 0; lane < 32; ++lane)
    if (b.slots[warp * 32 + lane] == mine) peers |= 1u << lane;
  warp_wait();
  return peers;
}
inline void __syncwarp(unsigned /*mask*/ = 0xffffffffu) { ::moezoo::emu::warp_wait(); }
inline void __syncthreads() { ::moezoo::emu::wait(::moezoo::emu::current_block()->block_barrier); }
inline int __popc(unsigned v) { return __builtin_popcount(v); }
inline int __ffs(unsigned v) { return __builtin_ffs(static_cast<int>(v)); }
inline int atomicAdd(int* p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
  return __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}
