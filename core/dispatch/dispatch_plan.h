#pragma once
/// DispatchPlan: where every kept assignment of a Routing goes once the
/// assignments are sorted by expert, so that each expert sees one contiguous
/// slice of rows (the layout a grouped matmul wants).
///
/// Order: by expert, then by token, then by slot. This is the order a stable
/// sort of the token-major flattened slots by expert gives; it is fixed by the
/// routing alone, so every backend (CPU counting sort, ATen stable sort, a CUDA
/// kernel later) produces the same plan and the same bits downstream.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/routing/routing.h"

namespace moezoo::core {

struct DispatchPlan {
  /// [A] int64: the token each sorted row comes from (A = kept assignments).
  at::Tensor token_index;
  /// [A] int64: the flattened slot t * k + j of each sorted row.
  at::Tensor slot_index;
  /// [T, k] int64: the sorted row of slot (t, j), or -1 where the slot is dropped.
  at::Tensor slot_position;
  /// [E + 1] int64 on the routing's device: rows of expert e are [offsets[e], offsets[e + 1]).
  at::Tensor expert_offsets;
  /// The same offsets on the host, for per-expert loops (grouped matmul).
  std::vector<int64_t> offsets;
  int64_t num_tokens = 0;
  int64_t top_k = 0;
  int64_t num_experts = 0;

  /// A: the number of kept assignments (rows after dispatch).
  int64_t num_rows() const { return offsets.empty() ? 0 : offsets.back(); }
  /// Rows routed to expert e.
  int64_t count(int64_t e) const { return offsets[e + 1] - offsets[e]; }
};

/// Checks that `routing` is well formed (shapes, dtypes and, when check_indices,
/// kept indices in [0, E): one device sync) and throws moezoo::Error naming the
/// offending field otherwise.
void check_routing(const Routing& routing, const char* where, bool check_indices = true);

/// Plan by a counting sort on the host: O(T k + E), one pass, no sort call.
/// Needs CPU tensors.
DispatchPlan make_dispatch_plan_cpu(const Routing& routing);

/// Plan by a stable ATen sort, on any device (the reference the CPU plan is
/// tested against, and the plan for devices without a dedicated backend).
DispatchPlan make_dispatch_plan_aten(const Routing& routing);

}  // namespace moezoo::core
