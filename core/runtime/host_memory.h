#pragma once
/// Host memory policy for training processes.
///
/// LibTorch's CPU allocator takes every buffer from malloc, and glibc serves
/// blocks above its mmap threshold (at most 32 MiB) with a fresh mmap and returns
/// them to the kernel on free. A training step that allocates the same large
/// buffers again and again (an E = 64 expert bank's weight gradients are 128 MiB
/// per weight) then pays, every step, for the kernel to fault in and zero those
/// pages: on the 2-core development VM that was 15-90 ms per 128 MiB, a fifth of
/// an E = 64 MoE step. PyTorch's CPU tuning guides answer this with jemalloc or
/// tcmalloc through LD_PRELOAD; moezoo's executables ask glibc itself to keep
/// freed blocks for reuse, so the second step onwards allocates from memory the
/// process already owns.

namespace moezoo::runtime {

/// Tells glibc malloc to serve every block from its heap (no per-block mmap) and
/// never to trim freed memory back to the kernel. The resident size then stays at
/// the process's peak, which is what a training loop reaches every step anyway.
/// Call once at program start, before large allocations; a no-op (returning
/// false) where the C library is not glibc.
bool keep_freed_host_memory();

}  // namespace moezoo::runtime
