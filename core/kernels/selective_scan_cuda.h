#pragma once
/// The selective scan of Mamba (core/layers/selective_scan.h) as CUDA kernels,
/// forward and backward, in the manner of mamba_ssm's selective_scan_fwd/bwd: the
/// recurrence runs sequentially over L with the state in registers.
///
/// Layout: a block of 128 threads takes one batch element and a group of channels;
/// each channel d gets P = min(32, next power of two >= N) lanes and each lane S =
/// ceil(N / P) of the N states (N <= 64), so y_t = C_t . h_t is a shuffle sum over P
/// lanes. All arithmetic is float32 (inputs may be half or bfloat16).
///
/// Forward, per step: h = exp(delta A) h + delta x B, y = C . h; when gradients are
/// wanted it also stores the state at the start of every chunk of kScanChunk steps
/// (float32 checkpoints [Bt, ceil(L / kScanChunk), d_inner, N]).
/// Backward walks the chunks from last to first: it recomputes the chunk's states from
/// its checkpoint into registers, then runs the reverse (adjoint) recurrence
///   g_t = dy_t C_t + exp(delta_{t+1} A) g_{t+1}
/// which gives, per step, dx, ddelta (shuffle sums over the states) and per-thread
/// sums for dA; dB and dC, which sum over channels, are summed over the block's
/// channels in shared memory in a fixed order and written per channel group, and ATen
/// sums the groups (and dA over the batch). No atomics: bitwise reproducible.
/// The skip term D x is left to ATen (selective_scan_cuda adds it).

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace moezoo::core::kernels {

constexpr int64_t kScanChunk = 16;
constexpr int64_t kScanMaxState = 64;

/// ceil(length / kScanChunk): the checkpoints per sequence.
int64_t selective_scan_num_chunks(int64_t length);
/// The channel groups (blocks per batch element): dB/dC partial sums come one per group.
int64_t selective_scan_channel_groups(int64_t d_inner, int64_t d_state);

/// x, delta: [Bt, L, d]; A: [d, N]; B, C: [Bt, L, N]; all contiguous CUDA of one dtype
/// (float, half or bfloat16), N <= kScanMaxState. Writes y [Bt, L, d] (that dtype) and,
/// when defined, checkpoints [Bt, num_chunks, d, N] float32.
void selective_scan_fwd_out(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A, const at::Tensor& B,
                            const at::Tensor& C, at::Tensor& y, at::Tensor& checkpoints);

/// The backward of selective_scan_fwd_out for grad_y [Bt, L, d] (inputs' dtype) and the
/// checkpoints the forward wrote. Writes dx, ddelta [Bt, L, d] (inputs' dtype), and
/// float32 partial sums dA_part [Bt, d, N], dB_part and dC_part [Bt, G, L, N]
/// (G = selective_scan_channel_groups): dA = dA_part.sum(0), dB = dB_part.sum(1).
void selective_scan_bwd_out(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A, const at::Tensor& B,
                            const at::Tensor& C, const at::Tensor& grad_y, const at::Tensor& checkpoints,
                            at::Tensor& dx, at::Tensor& ddelta, at::Tensor& dA_part, at::Tensor& dB_part,
                            at::Tensor& dC_part);

/// Whether selective_scan_cuda takes these inputs: CUDA tensors whose promoted dtype is
/// float, half or bfloat16, and N <= kScanMaxState.
bool selective_scan_cuda_supported(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A,
                                   const at::Tensor& B, const at::Tensor& C);

/// selective_scan() on CUDA (same contract, shapes checked by the caller): the kernels
/// under an autograd Function (first-order gradients to x, delta, A, B, C), then
/// y + x * D in ATen. Inputs are promoted to one dtype first.
at::Tensor selective_scan_cuda(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A, const at::Tensor& B,
                               const at::Tensor& C, const at::Tensor& D);

}  // namespace moezoo::core::kernels
