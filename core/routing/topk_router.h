#pragma once
/// Token-choice top-k router: a linear gate scores the E experts and each token goes to
/// its k best (Shazeer et al. 2017; Switch Transformer, Fedus et al. 2021; Mixtral;
/// DeepSeek-V3, arXiv:2412.19437).
///
///   x'     = x * U(1 - jitter_eps, 1 + jitter_eps)                  (training, Switch)
///   logits = W_g x' (+ b_g)  (+ N(0, 1) * softplus(W_noise x'))     (training, Shazeer)
/// then select_topk (core/routing/topk_selection.h): softmax or sigmoid scores, optional
/// group limits, the auxiliary-loss-free expert bias (choice only), renormalisation,
/// routed_scaling_factor and capacity.

#include <torch/arg.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

#include "core/routing/router.h"
#include "core/routing/topk_selection.h"

namespace moezoo::core {

struct TopKRouterOptions {
  TopKRouterOptions(int64_t dim, int64_t num_experts) : dim_(dim), num_experts_(num_experts) {}
  /// Token feature size D.
  TORCH_ARG(int64_t, dim);
  TORCH_ARG(int64_t, num_experts);
  /// k, scoring, normalisation, group limits, scaling, capacity and drop policy.
  TORCH_ARG(TopKSelectionOptions, selection) = TopKSelectionOptions(2);
  /// A bias in the gate's linear map (most MoE gates have none).
  TORCH_ARG(bool, gate_bias) = false;
  /// Multiplicative input jitter in training (Switch uses 1e-2); 0 = off.
  TORCH_ARG(double, jitter_eps) = 0.0;
  /// Noisy top-k gating in training (Shazeer et al. 2017), with W_noise initialised to
  /// zero as in the paper (noise std softplus(0) = log 2 at the start).
  TORCH_ARG(bool, noisy_gating) = false;
};

class TopKRouterImpl : public Router {
 public:
  explicit TopKRouterImpl(TopKRouterOptions options);
  /// Re-draws the gate, zeroes W_noise (Shazeer et al.'s initialisation) and the expert bias.
  void reset_parameters();

  /// x: [T, D] -> Routing with k slots per token; the context is not used.
  Routing route(const at::Tensor& x, const RouteContext& context = {}) override;
  int64_t num_experts() const override { return options.num_experts(); }

  /// x: [T, D] -> logits [T, E] (jitter and noise applied in training mode only).
  at::Tensor logits(const at::Tensor& x);

  TopKRouterOptions options;
  torch::nn::Linear gate{nullptr};        ///< W_g: D -> E
  torch::nn::Linear noise_gate{nullptr};  ///< W_noise: D -> E, only with noisy_gating
  /// [E] auxiliary-loss-free balancing bias (buffer "expert_bias", zeros at start), added
  /// to the scores for choosing experts only; updated by ExpertBiasBalancer, no gradient.
  at::Tensor expert_bias;

 private:
  /// Checks the options and registers the parameters and buffers (once, from the constructor).
  void build();
};
TORCH_MODULE(TopKRouter);

}  // namespace moezoo::core
