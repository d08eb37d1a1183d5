#pragma once
/// CudaDispatcher: the CUDA fast path of Dispatcher (core/dispatch/dispatcher.h),
/// built on the kernels of core/kernels/permute.h.
///
///   plan:     a counting sort on the device giving make_dispatch_plan_cpu's order
///             (by expert, then token, then slot); DispatchPlan::offsets needs one
///             device -> host copy of E + 2 integers (the offsets and an error flag
///             for kept indices outside [0, E)), the plan's only sync.
///   dispatch: a row gather; backward: each token adds its k row gradients in slot
///             order (no atomics).
///   combine:  each token adds w * row over its k slots in slot order (no atomics);
///             backward: every sorted row is written once (w * grad) and the weight
///             gradients are row dot products with a fixed reduction order.
/// So every output is bitwise reproducible from run to run. Like CpuDispatcher it
/// has first-order gradients only (backward with create_graph throws; the "aten"
/// backend has double backward), and the combine weights are cast to the rows'
/// dtype first.

#include "core/dispatch/dispatcher.h"

namespace moezoo::core {

/// The plan of `routing` (CUDA tensors) built on the device; same contract as
/// make_dispatch_plan_cpu. More than kPlanMaxExperts experts fall back to
/// make_dispatch_plan_aten (the same plan by a stable sort).
DispatchPlan make_dispatch_plan_cuda(const Routing& routing);

class CudaDispatcher : public Dispatcher {
 public:
  DispatchPlan plan(const Routing& routing) const override;
  /// x: [T, D] -> [A, D]
  at::Tensor dispatch(const at::Tensor& x, const DispatchPlan& plan) const override;
  /// ys: [A, N], weights: [T, k] -> [T, N]
  at::Tensor combine(const at::Tensor& ys, const at::Tensor& weights, const DispatchPlan& plan) const override;
  std::string name() const override { return "cuda"; }
};

}  // namespace moezoo::core
