#include "core/routing/prior_router.h"

#include <torch/torch.h>

#include "core/routing/router_input.h"
#include "core/util/error.h"

namespace moezoo::core {

PriorRouterImpl::PriorRouterImpl(PriorRouterOptions options_) : options(std::move(options_)) { build(); }

void PriorRouterImpl::build() {
  check_input(options.dim() >= 1, "router.dim", "must be >= 1, got " + std::to_string(options.dim()));
  check_selection_options(options.selection(), options.num_experts(), "router");
  check_input(options.prior_dim() >= 0, "router.prior_dim", "must be >= 0, got " + std::to_string(options.prior_dim()));
  gate = register_module(
      "gate",
      torch::nn::Linear(torch::nn::LinearOptions(options.dim(), options.num_experts()).bias(options.gate_bias())));
  if (options.prior_dim() > 0) {
    prior_proj = register_module(
        "prior_proj",
        torch::nn::Linear(torch::nn::LinearOptions(options.prior_dim(), options.num_experts()).bias(false)));
  }
  const at::Tensor beta_value = torch::full({}, options.beta_init());
  beta = options.learn_beta() ? register_parameter("beta", beta_value) : register_buffer("beta", beta_value);
  expert_bias = register_buffer("expert_bias", torch::zeros({options.num_experts()}));
}

void PriorRouterImpl::reset_parameters() {
  gate->reset_parameters();
  if (prior_proj) prior_proj->reset_parameters();
  torch::NoGradGuard no_grad;
  beta.fill_(options.beta_init());
  expert_bias.zero_();
}

at::Tensor PriorRouterImpl::logits(const at::Tensor& x, const at::Tensor& prior) {
  check_router_input(x, options.dim(), "PriorRouter.route");
  const std::string where = "PriorRouter.route: RouteContext.prior";
  check_input(prior.defined(), where, "is required");
  const int64_t width = options.prior_dim() > 0 ? options.prior_dim() : options.num_experts();
  check_input(prior.dim() == 2 && prior.size(0) == x.size(0) && prior.size(1) == width, where,
              "must be [T=" + std::to_string(x.size(0)) + ", " + (options.prior_dim() > 0 ? "P=" : "E=") +
                  std::to_string(width) + "], got " + c10::str(prior.sizes()));
  check_input(at::isFloatingType(prior.scalar_type()), where, "must be floating point");
  const at::Tensor p = prior.to(x.scalar_type());
  const at::Tensor g = options.prior_dim() > 0 ? prior_proj->forward(p) : p;
  return gate->forward(x) + beta * g;
}

Routing PriorRouterImpl::route(const at::Tensor& x, const RouteContext& context) {
  check_input(context.prior.has_value(), "PriorRouter.route: RouteContext.prior",
              "is required (a [T, E] or [T, P] prior per token)");
  return select_topk(logits(x, *context.prior), options.selection(), expert_bias);
}

}  // namespace moezoo::core
