#include "core/routing/topk_router.h"

#include <torch/torch.h>

#include "core/routing/router_input.h"
#include "core/util/error.h"

namespace moezoo::core {

TopKRouterImpl::TopKRouterImpl(TopKRouterOptions options_) : options(std::move(options_)) { build(); }

void TopKRouterImpl::build() {
  check_input(options.dim() >= 1, "router.dim", "must be >= 1, got " + std::to_string(options.dim()));
  check_selection_options(options.selection(), options.num_experts(), "router");
  check_input(options.jitter_eps() >= 0 && options.jitter_eps() < 1, "router.jitter_eps",
              "must be in [0, 1), got " + std::to_string(options.jitter_eps()));
  gate = register_module(
      "gate",
      torch::nn::Linear(torch::nn::LinearOptions(options.dim(), options.num_experts()).bias(options.gate_bias())));
  if (options.noisy_gating()) {
    noise_gate = register_module(
        "noise_gate", torch::nn::Linear(torch::nn::LinearOptions(options.dim(), options.num_experts()).bias(false)));
    torch::NoGradGuard no_grad;
    noise_gate->weight.zero_();
  }
  expert_bias = register_buffer("expert_bias", torch::zeros({options.num_experts()}));
}

void TopKRouterImpl::reset_parameters() {
  gate->reset_parameters();
  torch::NoGradGuard no_grad;
  if (noise_gate) noise_gate->weight.zero_();
  expert_bias.zero_();
}

at::Tensor TopKRouterImpl::logits(const at::Tensor& x) {
  check_router_input(x, options.dim(), "TopKRouter.route");
  at::Tensor input = x;
  if (is_training() && options.jitter_eps() > 0) {
    input = input * at::empty_like(input).uniform_(1.0 - options.jitter_eps(), 1.0 + options.jitter_eps());
  }
  at::Tensor out = gate->forward(input);
  if (is_training() && options.noisy_gating()) {
    out = out + at::randn_like(out) * torch::nn::functional::softplus(noise_gate->forward(input));
  }
  return out;
}

Routing TopKRouterImpl::route(const at::Tensor& x, const RouteContext& /*context*/) {
  return select_topk(logits(x), options.selection(), expert_bias);
}

}  // namespace moezoo::core
