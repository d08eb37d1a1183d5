#include "core/routing/expert_choice_router.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/balancing/capacity.h"
#include "core/routing/router_input.h"
#include "core/routing/scoring.h"
#include "core/util/error.h"

namespace moezoo::core {

ExpertChoiceRouterImpl::ExpertChoiceRouterImpl(ExpertChoiceRouterOptions options_) : options(std::move(options_)) {
  build();
}

void ExpertChoiceRouterImpl::build() {
  check_input(options.dim() >= 1, "router.dim", "must be >= 1, got " + std::to_string(options.dim()));
  check_input(options.num_experts() >= 1, "router.num_experts",
              "must be >= 1, got " + std::to_string(options.num_experts()));
  check_input(options.capacity_factor() > 0, "router.capacity_factor",
              "must be > 0 for expert-choice routing, got " + std::to_string(options.capacity_factor()));
  gate = register_module(
      "gate",
      torch::nn::Linear(torch::nn::LinearOptions(options.dim(), options.num_experts()).bias(options.gate_bias())));
}

void ExpertChoiceRouterImpl::reset_parameters() {
  gate->reset_parameters();
}

int64_t ExpertChoiceRouterImpl::capacity(int64_t num_tokens) const {
  // The shared capacity rule with k = 1: each token brings capacity_factor "slots".
  return std::min(num_tokens, expert_capacity(options.capacity_factor(), num_tokens, 1, options.num_experts()));
}

Routing ExpertChoiceRouterImpl::route(const at::Tensor& x, const RouteContext& /*context*/) {
  check_router_input(x, options.dim(), "ExpertChoiceRouter.route");
  const int64_t t = x.size(0), e = options.num_experts();
  Routing routing;
  routing.num_experts = e;
  routing.expert_choice = true;
  routing.router_logits = gate->forward(x);
  routing.router_probs = compute_scores(routing.router_logits, ScoreFunction::kSoftmax);

  const int64_t c = capacity(t);
  const at::Tensor chosen_tokens = std::get<1>(routing.router_probs.detach().topk(c, /*dim=*/0));  // [C, E]
  routing.keep_mask = at::zeros({t, e}, x.options().dtype(at::kBool)).scatter_(0, chosen_tokens, true);
  routing.expert_indices = at::arange(e, x.options().dtype(at::kLong)).expand({t, e}).contiguous();
  routing.combine_weights =
      (routing.router_probs * routing.keep_mask.to(routing.router_probs.scalar_type())).to(x.scalar_type());
  routing.tokens_per_expert = at::full({e}, c, x.options().dtype(at::kLong));
  return routing;
}

}  // namespace moezoo::core
