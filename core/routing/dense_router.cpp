#include "core/routing/dense_router.h"

#include <torch/torch.h>

#include "core/routing/router_input.h"
#include "core/routing/scoring.h"
#include "core/util/error.h"

namespace moezoo::core {

DenseRouterImpl::DenseRouterImpl(DenseRouterOptions options_) : options(std::move(options_)) { build(); }

void DenseRouterImpl::build() {
  check_input(options.dim() >= 1, "router.dim", "must be >= 1, got " + std::to_string(options.dim()));
  check_input(options.num_experts() >= 1, "router.num_experts",
              "must be >= 1, got " + std::to_string(options.num_experts()));
  gate = register_module(
      "gate",
      torch::nn::Linear(torch::nn::LinearOptions(options.dim(), options.num_experts()).bias(options.gate_bias())));
}

void DenseRouterImpl::reset_parameters() {
  gate->reset_parameters();
}

Routing DenseRouterImpl::route(const at::Tensor& x, const RouteContext& /*context*/) {
  check_router_input(x, options.dim(), "DenseRouter.route");
  const int64_t t = x.size(0), e = options.num_experts();
  Routing routing;
  routing.num_experts = e;
  routing.router_logits = gate->forward(x);
  routing.router_probs = compute_scores(routing.router_logits, ScoreFunction::kSoftmax);
  routing.expert_indices = at::arange(e, x.options().dtype(at::kLong)).expand({t, e}).contiguous();
  routing.combine_weights = routing.router_probs.to(x.scalar_type());
  routing.keep_mask = at::ones({t, e}, x.options().dtype(at::kBool));
  routing.tokens_per_expert = at::full({e}, t, x.options().dtype(at::kLong));
  return routing;
}

}  // namespace moezoo::core
