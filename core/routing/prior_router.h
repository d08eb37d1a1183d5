#pragma once
/// Prior-guided router: the gate's logits are shifted by an external per-token prior
/// (GeoMoE's curvature, B-MoE's region attention, ...) before the usual top-k selection:
///
///   logits = W_g x + beta * g(prior)
///   g(prior) = prior               when prior is [T, E] (prior_dim = 0)
///   g(prior) = W_p prior           when prior is [T, P] (prior_dim = P > 0), W_p: P -> E
///                                  learnable, no bias
/// beta is a learnable scalar (beta_init, frozen when learn_beta is false). beta = 0 is
/// exactly the plain top-k router; a large beta follows argmax g(prior). Selection is
/// select_topk (core/routing/topk_selection.h), expert bias included.

#include <torch/arg.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

#include "core/routing/router.h"
#include "core/routing/topk_selection.h"

namespace moezoo::core {

struct PriorRouterOptions {
  PriorRouterOptions(int64_t dim, int64_t num_experts) : dim_(dim), num_experts_(num_experts) {}
  TORCH_ARG(int64_t, dim);
  TORCH_ARG(int64_t, num_experts);
  TORCH_ARG(TopKSelectionOptions, selection) = TopKSelectionOptions(2);
  /// 0: the prior is [T, E], added as it is; P > 0: the prior is [T, P], mapped by W_p.
  TORCH_ARG(int64_t, prior_dim) = 0;
  TORCH_ARG(double, beta_init) = 1.0;
  /// false: beta is a buffer fixed at beta_init instead of a parameter.
  TORCH_ARG(bool, learn_beta) = true;
  TORCH_ARG(bool, gate_bias) = false;
};

class PriorRouterImpl : public Router {
 public:
  explicit PriorRouterImpl(PriorRouterOptions options);
  /// Re-draws the gate and W_p, sets beta to beta_init and the expert bias to zero.
  void reset_parameters();

  /// x: [T, D], context.prior: [T, E] (prior_dim = 0) or [T, P] -> Routing with k slots.
  /// Throws moezoo::Error naming RouteContext.prior when it is missing or mis-shaped.
  Routing route(const at::Tensor& x, const RouteContext& context = {}) override;
  int64_t num_experts() const override { return options.num_experts(); }

  /// x: [T, D], prior: [T, E] or [T, P] -> logits [T, E] (the formula above).
  at::Tensor logits(const at::Tensor& x, const at::Tensor& prior);

  PriorRouterOptions options;
  torch::nn::Linear gate{nullptr};        ///< W_g: D -> E
  torch::nn::Linear prior_proj{nullptr};  ///< W_p: P -> E, only when prior_dim > 0
  at::Tensor beta;                        ///< 0-d, parameter (or buffer) "beta"
  /// [E] auxiliary-loss-free balancing bias, as in TopKRouterImpl.
  at::Tensor expert_bias;

 private:
  /// Checks the options and registers the parameters and buffers (once, from the constructor).
  void build();
};
TORCH_MODULE(PriorRouter);

}  // namespace moezoo::core
