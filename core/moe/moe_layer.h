#pragma once
/// Sparse Mixture-of-Experts feed-forward layer (Shazeer et al. 2017; GShard;
/// Switch Transformer; Mixtral; DeepSeekMoE's shared experts, Dai et al. 2024):
///
///   y(x) = sum_{e in S(x)} g_e(x) f_e(x)  +  sum_{s=1..N_s} f^shared_s(x)
///
/// S(x), g(x): the router's kept assignments and combine weights (top-k,
/// expert-choice, dense, fixed or prior-guided, core/routing/make_router.h);
/// f_e: the routed experts, an ExpertBank (gelu_mlp, swiglu, low_rank) or
/// heterogeneous modules from a factory; f^shared: always-on experts, stored as
/// one expert of hidden width N_s * shared_hidden (which equals the sum of N_s
/// separate experts up to the summed output biases, as DeepSeek implements them).
///
/// Per call: router -> balancing losses (core/balancing/balancer.h) -> sort-based
/// dispatch -> grouped expert matmuls -> weighted combine (+ shared experts).
/// In training mode the layer also feeds the auxiliary-loss-free expert bias
/// (when balancer.bias_update_rate > 0; apply it with step_expert_bias()) and
/// accumulates RoutingStats for the trainer.

#include <torch/arg.h>
#include <torch/nn/pimpl.h>

#include <memory>
#include <optional>

#include "core/balancing/balancer.h"
#include "core/balancing/expert_bias_balancer.h"
#include "core/balancing/routing_stats.h"
#include "core/dispatch/dispatcher.h"
#include "core/experts/expert_bank.h"
#include "core/experts/heterogeneous_experts.h"
#include "core/moe/feed_forward.h"
#include "core/moe/routed_layer.h"
#include "core/routing/make_router.h"

namespace moezoo::core {

struct MoELayerOptions {
  /// Routed top-2 softmax router over `num_experts` GELU-MLP experts d_model -> hidden -> d_model.
  MoELayerOptions(int64_t d_model, int64_t hidden, int64_t num_experts)
      : d_model_(d_model), hidden_(hidden), num_experts_(num_experts), router_("topk", d_model, num_experts) {}
  TORCH_ARG(int64_t, d_model);
  /// Hidden width (or rank, for low_rank experts) of each routed expert.
  TORCH_ARG(int64_t, hidden);
  TORCH_ARG(int64_t, num_experts);
  TORCH_ARG(ExpertKind, expert_kind) = ExpertKind::kGeluMlp;
  /// Biases in the expert projections (routed and shared).
  TORCH_ARG(bool, expert_bias) = true;
  /// When set, the routed experts are these modules ([n, d_model] -> [n, d_model])
  /// instead of an ExpertBank, and expert_kind applies to shared experts only.
  TORCH_ARG(ExpertFactory, expert_factory) = nullptr;
  /// Always-on shared experts (DeepSeekMoE); 0 = none.
  TORCH_ARG(int64_t, num_shared_experts) = 0;
  /// Hidden width of one shared expert; 0 = hidden.
  TORCH_ARG(int64_t, shared_hidden) = 0;
  /// The router: kind, k, scoring, capacity factor and drop policy, ... Its dim and
  /// num_experts must equal d_model and num_experts.
  TORCH_ARG(RouterOptions, router);
  /// Balancing loss coefficients and the expert-bias update rate.
  TORCH_ARG(BalancerOptions, balancer) = {};
  TORCH_ARG(DispatchBackend, dispatch) = DispatchBackend::kAuto;
  TORCH_ARG(GroupedMmBackend, grouped_mm) = GroupedMmBackend::kAuto;
  /// Accumulate RoutingStats on every training-mode forward (one host sync each).
  TORCH_ARG(bool, track_stats) = true;
};

/// Not Cloneable: it derives from the FeedForward interface (a Module), and its
/// routers are plain Router modules.
class MoELayerImpl : public FeedForward, public RoutedLayer {
 public:
  explicit MoELayerImpl(MoELayerOptions options);

  /// x: [..., D] -> [..., D]; adds the balancing losses to *aux when aux is not null.
  at::Tensor forward(const at::Tensor& x, AuxLosses* aux) override;
  /// x: [..., D], context: ids / prior / sequence_ids over the T = x.numel() / D
  /// tokens (flattened in row-major order) -> [..., D]
  at::Tensor forward(const at::Tensor& x, const RouteContext& context, AuxLosses* aux = nullptr);

  /// The routing of the last forward (detached), e.g. for plots.
  const Routing& last_routing() const { return last_routing_; }
  /// Statistics accumulated in training mode (reset by the trainer).
  RoutingStats& stats() override { return stats_; }
  const RoutingStats& stats() const { return stats_; }
  /// Applies the auxiliary-loss-free expert-bias update from the load observed
  /// since the last call (no-op when balancer.bias_update_rate is 0).
  void step_expert_bias() override;

  const MoELayerOptions& options() const { return options_; }
  const std::shared_ptr<Router>& router() const { return router_; }
  /// The routed experts (an ExpertBankImpl or a HeterogeneousExpertsImpl).
  ExpertSet& experts() { return *expert_set_; }
  /// The routed experts as a module (for parameters, casting).
  const std::shared_ptr<torch::nn::Module>& experts_module() const { return experts_module_; }
  /// Shared experts as one bank with a single expert, or empty.
  const ExpertBank& shared_experts() const { return shared_; }

 private:
  MoELayerOptions options_;
  std::shared_ptr<Router> router_;
  std::shared_ptr<ExpertSet> expert_set_;
  std::shared_ptr<torch::nn::Module> experts_module_;
  ExpertBank shared_{nullptr};
  std::optional<ExpertBiasBalancer> bias_balancer_;
  RoutingStats stats_;
  Routing last_routing_;
};
TORCH_MODULE(MoELayer);

/// Calls step_expert_bias() on every MoE layer inside `module` (after optimizer.step()).
void step_expert_bias(torch::nn::Module& module);

}  // namespace moezoo::core
