#include "core/routing/fixed_router.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::core {

FixedRouterImpl::FixedRouterImpl(FixedRouterOptions options_) : options(std::move(options_)) { build(); }

void FixedRouterImpl::build() {
  check_input(options.num_experts() >= 1, "router.num_experts",
              "must be >= 1, got " + std::to_string(options.num_experts()));
  const auto& table = options.id_to_expert();
  for (size_t i = 0; i < table.size(); ++i) {
    check_input(table[i] >= 0 && table[i] < options.num_experts(), "router.id_to_expert",
                "entry " + std::to_string(i) + " is " + std::to_string(table[i]) + ", expected an expert in [0, " +
                    std::to_string(options.num_experts()) + ")");
  }
}

Routing FixedRouterImpl::route(const at::Tensor& x, const RouteContext& context) {
  const std::string where = "FixedRouter.route: RouteContext.ids";
  check_input(x.defined() && x.dim() >= 1, "FixedRouter.route", "x must be [T, D]");
  check_input(context.ids.has_value() && context.ids->defined(), where, "is required (one integer id per token)");
  const int64_t t = x.size(0), e = options.num_experts();
  const at::Tensor& ids = *context.ids;
  check_input(ids.dim() == 1 && ids.size(0) == t, where,
              "must be [T=" + std::to_string(t) + "], got " + c10::str(ids.sizes()));
  check_input(
      !at::isFloatingType(ids.scalar_type()) && !at::isComplexType(ids.scalar_type()) && ids.scalar_type() != at::kBool,
      where, "must be an integer tensor");
  const at::Tensor ids_long = ids.to(x.device(), at::kLong);
  const auto& table = options.id_to_expert();
  const int64_t id_count = table.empty() ? e : static_cast<int64_t>(table.size());
  if (t > 0) {
    const int64_t lo = ids_long.min().item<int64_t>(), hi = ids_long.max().item<int64_t>();
    check_input(lo >= 0 && hi < id_count, where,
                "ids must be in [0, " + std::to_string(id_count) + "), got values in [" + std::to_string(lo) + ", " +
                    std::to_string(hi) + "]");
  }
  const at::Tensor experts =
      table.empty() ? ids_long : at::tensor(table, at::kLong).to(x.device()).index_select(0, ids_long);

  // Combine weights in x's precision; x may be anything with T rows (only T is read).
  const auto float_options = x.options().dtype(at::isFloatingType(x.scalar_type()) ? x.scalar_type() : at::kFloat);
  Routing routing;
  routing.num_experts = e;
  routing.expert_indices = experts.view({t, 1});
  routing.combine_weights = at::ones({t, 1}, float_options);
  routing.keep_mask = at::ones({t, 1}, float_options.dtype(at::kBool));
  routing.router_probs = at::one_hot(experts, e).to(float_options.dtype());
  routing.router_logits = at::zeros({t, e}, float_options);
  routing.tokens_per_expert = at::bincount(experts, /*weights=*/{}, e);
  return routing;
}

}  // namespace moezoo::core
