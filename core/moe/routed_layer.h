#pragma once
/// What the trainer needs from any module that routes tokens to experts: its
/// routing statistics and, where it balances by expert bias, the per-step bias
/// update. MoELayer implements it; so do models that route on their own (GeoMoE's
/// per-node gate over whole-graph experts). core/runtime/routing_monitor.h finds
/// every RoutedLayer inside a model.

#include "core/balancing/routing_stats.h"

namespace moezoo::core {

class RoutedLayer {
 public:
  virtual ~RoutedLayer() = default;
  /// Statistics accumulated in training mode (reset by the trainer).
  virtual RoutingStats& stats() = 0;
  /// The auxiliary-loss-free expert-bias update from the load since the last call;
  /// nothing for layers that do not balance by bias.
  virtual void step_expert_bias() {}
};

}  // namespace moezoo::core
