#pragma once
/// The selective scan of Mamba (Gu & Dao, "Mamba: Linear-Time Sequence Modeling with
/// Selective State Spaces", 2023, Algorithm 2 and eq. 2a-2b with the zero-order hold
/// of A and the Euler step of B used by the reference code):
///   h_t = exp(delta_t A) * h_{t-1} + delta_t B_t x_t,   h_{-1} = 0
///   y_t = C_t . h_t + D x_t
/// per channel d (d_inner of them) with a diagonal state of size N.
///
/// selective_scan() is a parallel scan in ATen ops: every step is a tensor op over a
/// whole chunk of the sequence, so a chunk of length n takes O(log n) dependent steps
/// instead of n, and chunks are chained through their last state. The linear
/// recurrence h_t = exp(a_t) h_{t-1} + b_t composes as affine maps,
///   (a_1, b_1) then (a_2, b_2) = (a_1 + a_2, exp(a_2) b_1 + b_2),
/// and linear_scan() evaluates the inclusive prefix by odd-even recursive doubling
/// (the work-efficient Blelloch pattern): combine neighbouring pairs, solve the
/// half-length problem, then fill in the even positions. O(L) work, 2 log2(L) levels.
/// Log-decays are only ever summed and exponentiated: with delta >= 0 and A <= 0
/// (as in Mamba, where A = -exp(A_log)) every exponent is <= 0, so nothing overflows
/// whatever the decay; factors just underflow to 0.
///
/// selective_scan_reference() is the plain loop over t (mamba_ssm's
/// `selective_scan_ref`); tests check the parallel scan and every gradient against it.

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace moezoo::core {

/// Inclusive scan along dim 1 of h_t = exp(a_t) * h_{t-1} + b_t.
/// log_decay a, input b: [Bt, L, ...] (same shape); initial h_{-1}: [Bt, ...] or
/// undefined (zeros) -> states h: [Bt, L, ...].
at::Tensor linear_scan(const at::Tensor& log_decay, const at::Tensor& input, const at::Tensor& initial = {});

/// The sequential reference of linear_scan (a loop over t).
at::Tensor linear_scan_reference(const at::Tensor& log_decay, const at::Tensor& input,
                                 const at::Tensor& initial = {});

/// The chunk length selective_scan() uses for chunk_size = 0: the whole sequence when
/// its [Bt, L, d_inner, N] state tensor fits a budget, otherwise the largest power of
/// two (>= 64) whose chunk does. The budget is 2^19 elements (2 MiB in float32) on the
/// CPU, where chunks that stay in cache measured fastest (tools/bench), and 2^22 on a
/// GPU, where fewer, larger ops win. Either way a no-grad forward holds only a few
/// chunk-sized tensors however long the sequence.
int64_t selective_scan_auto_chunk(int64_t batch, int64_t length, int64_t d_inner, int64_t d_state,
                                  at::DeviceType device = at::kCPU);

/// The parallel selective scan.
///   x:     [Bt, L, d_inner]   input u
///   delta: [Bt, L, d_inner]   step sizes (softplus already applied; >= 0)
///   A:     [d_inner, N]       state matrix diagonal (<= 0)
///   B, C:  [Bt, L, N]         input-dependent projections
///   D:     [d_inner] or undefined (no skip)
/// -> y: [Bt, L, d_inner].
/// The sequence is processed in chunks of chunk_size (0: selective_scan_auto_chunk),
/// each a parallel scan started from the previous chunk's last state, which bounds the
/// transient memory; results do not depend on the chunk size beyond rounding.
/// CUDA inputs of float, half or bfloat16 with N <= 64 run the sequential CUDA kernel
/// instead (core/kernels/selective_scan_cuda.h, builds with CUDA; chunk_size unused).
at::Tensor selective_scan(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A, const at::Tensor& B,
                          const at::Tensor& C, const at::Tensor& D = {}, int64_t chunk_size = 0);

/// The sequential reference: the same contract as selective_scan, one step per t.
at::Tensor selective_scan_reference(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& A,
                                    const at::Tensor& B, const at::Tensor& C, const at::Tensor& D = {});

}  // namespace moezoo::core
