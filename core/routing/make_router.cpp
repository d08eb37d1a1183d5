#include "core/routing/make_router.h"

#include <torch/torch.h>

#include "core/routing/dense_router.h"
#include "core/routing/expert_choice_router.h"
#include "core/routing/fixed_router.h"
#include "core/routing/prior_router.h"
#include "core/routing/topk_router.h"
#include "core/util/error.h"

namespace moezoo::core {

std::vector<std::string> router_kinds() { return {"topk", "expert_choice", "dense", "fixed", "prior"}; }

TopKSelectionOptions selection_options(const RouterOptions& options) {
  return TopKSelectionOptions(options.k())
      .scoring(parse_score_function(options.scoring(), "router.scoring"))
      .normalize_weights(options.normalize_weights())
      .n_group(options.n_group())
      .topk_group(options.topk_group())
      .group_score(parse_group_score(options.group_score(), "router.group_score"))
      .routed_scaling_factor(options.routed_scaling_factor())
      .capacity_factor(options.capacity_factor())
      .drop_policy(parse_drop_policy(options.drop_policy(), "router.drop_policy"));
}

std::shared_ptr<Router> make_router(const RouterOptions& options) {
  const std::string& kind = options.kind();
  if (kind == "topk") {
    return TopKRouter(TopKRouterOptions(options.dim(), options.num_experts())
                          .selection(selection_options(options))
                          .gate_bias(options.gate_bias())
                          .jitter_eps(options.jitter_eps())
                          .noisy_gating(options.noisy_gating()))
        .ptr();
  }
  if (kind == "expert_choice") {
    const double cf = options.capacity_factor() > 0 ? options.capacity_factor() : static_cast<double>(options.k());
    return ExpertChoiceRouter(ExpertChoiceRouterOptions(options.dim(), options.num_experts())
                                  .capacity_factor(cf)
                                  .gate_bias(options.gate_bias()))
        .ptr();
  }
  if (kind == "dense") {
    return DenseRouter(DenseRouterOptions(options.dim(), options.num_experts()).gate_bias(options.gate_bias())).ptr();
  }
  if (kind == "fixed") {
    return FixedRouter(FixedRouterOptions(options.num_experts()).id_to_expert(options.id_to_expert())).ptr();
  }
  if (kind == "prior") {
    return PriorRouter(PriorRouterOptions(options.dim(), options.num_experts())
                           .selection(selection_options(options))
                           .prior_dim(options.prior_dim())
                           .beta_init(options.beta_init())
                           .learn_beta(options.learn_beta())
                           .gate_bias(options.gate_bias()))
        .ptr();
  }
  std::string known;
  for (const auto& name : router_kinds()) known += (known.empty() ? "" : ", ") + name;
  throw Error("router.kind: unknown router '" + kind + "' (expected one of " + known + ")");
}

}  // namespace moezoo::core
