#pragma once
/// Auxiliary-loss-free load balancing (Wang et al. 2024; DeepSeek-V3, arXiv:2412.19437,
/// section 2.1.2): a per-expert bias b, added to the scores only when choosing experts,
/// is nudged after every step against the observed load,
///   b_i += rate * sign(mean_j load_j - load_i),
/// so overloaded experts become less attractive without a gradient-carrying loss.

#include <ATen/core/Tensor.h>
#include <torch/arg.h>
#include <torch/nn/module.h>

#include "core/routing/routing.h"

namespace moezoo::core {

struct ExpertBiasBalancerOptions {
  /// The bias update speed gamma (DeepSeek-V3: 1e-3).
  TORCH_ARG(double, rate) = 1e-3;
};

/// The router's "expert_bias" buffer ([E]; top-k and prior-guided routers have one), or
/// an undefined tensor for routers without it (expert-choice, dense, fixed).
at::Tensor find_expert_bias(const torch::nn::Module& router);

class ExpertBiasBalancer {
 public:
  /// expert_bias: [E], the router's buffer itself (e.g. TopKRouterImpl::expert_bias);
  /// it is updated in place, so the router sees every update.
  explicit ExpertBiasBalancer(at::Tensor expert_bias, ExpertBiasBalancerOptions options = {});

  /// Adds the routing's assignments per expert (what the router chose, before capacity
  /// drops: see core/balancing/assignments.h) to the step's load.
  void observe(const Routing& routing);
  /// Adds a [E] load (e.g. Routing::tokens_per_expert) to the step's load.
  void observe_load(const at::Tensor& tokens_per_expert);
  /// Applies the update from the step's load and clears it; nothing happens when no
  /// load was observed. Never records gradient.
  void step();

  const at::Tensor& expert_bias() const { return bias_; }
  /// [E] int64 load observed since the last step().
  const at::Tensor& load() const { return load_; }
  const ExpertBiasBalancerOptions& options() const { return options_; }

 private:
  at::Tensor bias_;
  at::Tensor load_;
  bool observed_ = false;
  ExpertBiasBalancerOptions options_;
};

}  // namespace moezoo::core
