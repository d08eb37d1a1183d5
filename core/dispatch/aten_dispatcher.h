#pragma once
/// AtenDispatcher: Dispatcher written with composite ATen ops only, so it runs
/// on every device and supports double backward. It is the reference the fast
/// backends are tested against.
///
/// Both directions index in slot order (T k rows, each written once), so even
/// where index_add uses atomics (CUDA) no two additions meet in one element and
/// the result is deterministic; the k slots of a token are then summed by a
/// reduction over a fixed axis.

#include "core/dispatch/dispatcher.h"

namespace moezoo::core {

class AtenDispatcher : public Dispatcher {
 public:
  DispatchPlan plan(const Routing& routing) const override;
  /// x: [T, D] -> [A, D]
  at::Tensor dispatch(const at::Tensor& x, const DispatchPlan& plan) const override;
  /// ys: [A, N], weights: [T, k] -> [T, N]
  at::Tensor combine(const at::Tensor& ys, const at::Tensor& weights, const DispatchPlan& plan) const override;
  std::string name() const override { return "aten"; }
};

}  // namespace moezoo::core
