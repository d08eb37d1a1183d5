#pragma once
/// CpuDispatcher: the CPU fast path of Dispatcher.
///
/// plan: a host counting sort. dispatch: a row gather (index_select); its
/// backward and combine are one "slot sum" kernel that walks tokens in parallel
/// and adds each token's k rows in slot order; combine's backward writes every
/// sorted row once (w * grad) and the weight gradients as row dot products.
/// No atomics, no index_add over duplicate indices: results do not depend on
/// the thread count. First-order gradients only (backward with create_graph
/// throws; use the "aten" backend for double backward).

#include "core/dispatch/dispatcher.h"

namespace moezoo::core {

class CpuDispatcher : public Dispatcher {
 public:
  DispatchPlan plan(const Routing& routing) const override;
  /// x: [T, D] -> [A, D]
  at::Tensor dispatch(const at::Tensor& x, const DispatchPlan& plan) const override;
  /// ys: [A, N], weights: [T, k] -> [T, N]
  at::Tensor combine(const at::Tensor& ys, const at::Tensor& weights, const DispatchPlan& plan) const override;
  std::string name() const override { return "cpu"; }
};

}  // namespace moezoo::core
