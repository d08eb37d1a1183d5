#pragma once
/// CUDA kernels of the sort-based dispatch (permute / unpermute), the device half of
/// CudaDispatcher (core/kernels/cuda_dispatcher.h). Every function takes its outputs
/// preallocated (the _out convention), so that tests can poison them first.
///
/// Plan (a stable counting sort of the T k slots by expert, no sort call):
///   1. the slots are cut into tiles of kPlanTile; one warp per tile counts its kept
///      slots per expert into counts[e][tile] (shared-memory histogram);
///   2. an inclusive scan of counts flattened expert-major (ATen cumsum, integers so
///      exact) gives every (expert, tile) its first row: the rows of all smaller
///      experts plus those of expert e in earlier tiles;
///   3. one warp per tile walks its slots in order, 32 at a time: lanes with the same
///      expert find each other (__match_any_sync) and take consecutive rows in lane
///      order after a per-expert cursor in shared memory.
/// Hence rows are ordered by expert, then token, then slot: exactly
/// make_dispatch_plan_cpu's order (core/dispatch/dispatch_plan.h).
///
/// Rows (gather, combine and their backward): one warp per output row, 16-byte
/// vector accesses when the row length and pointers allow, float32 accumulation for
/// half/bfloat16 (double for double). Combine and the dispatch backward add a
/// token's k rows in slot order in one thread per element: no atomics, so the bits do
/// not change from run to run.

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace moezoo::core::kernels {

/// Slots per tile of the plan kernels (one warp, 32 slots per lane).
constexpr int64_t kPlanTile = 1024;
/// The largest number of experts the plan kernels take (a per-warp shared histogram).
constexpr int64_t kPlanMaxExperts = 4096;

/// expert_indices [T, k] int64, keep_mask [T, k] bool, both on one CUDA device, into:
///   token_index, slot_index [T k] int64: entries [0, A) get the token t and the
///                 flattened slot t k + j of each sorted row (A = kept slots); entries
///                 from A on are left as they are;
///   slot_position [T, k] int64: the row of each slot, -1 where dropped;
///   offsets_buf   [E + 2] int64: [0, E] the row offsets of the experts, [E + 1] = 1
///                 when a kept slot names an expert outside [0, E), else 0.
/// The caller copies offsets_buf to the host (the one device sync of a plan).
void dispatch_plan_out(const at::Tensor& expert_indices, const at::Tensor& keep_mask, int64_t num_experts,
                       at::Tensor& token_index, at::Tensor& slot_index, at::Tensor& slot_position,
                       at::Tensor& offsets_buf);

/// out[a] = x[token_index[a]]. x: [T, D] contiguous, token_index: [A] -> out: [A, D].
void gather_rows_out(const at::Tensor& x, const at::Tensor& token_index, at::Tensor& out);

/// out[t] = sum_{j: pos[t, j] >= 0} w[t, j] * rows[pos[t, j]] in slot order (w = 1
/// when weights is undefined). rows: [A, N] contiguous, pos: [T, k] int64, weights:
/// [T, k] of rows' dtype or undefined -> out: [T, N].
void slot_sum_out(const at::Tensor& rows, const at::Tensor& pos, const at::Tensor& weights, at::Tensor& out);

/// The backward of combine: grad_rows[pos[t, j]] = w[t, j] * grad[t] (every row written
/// once) and grad_w[t, j] = <grad[t], rows[pos[t, j]]> (0 for dropped slots).
/// grad: [T, N], rows: [A, N], weights: [T, k], pos: [T, k]; either output may be null.
void slot_scatter_dot_out(const at::Tensor& grad, const at::Tensor& rows, const at::Tensor& weights,
                          const at::Tensor& pos, at::Tensor* grad_rows, at::Tensor* grad_w);

}  // namespace moezoo::core::kernels
