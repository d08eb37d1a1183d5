#include "core/routing/topk_selection.h"

#include <torch/torch.h>

#include <limits>

#include "core/util/error.h"
#if MOEZOO_WITH_CUDA
#include "core/kernels/cuda_router.h"
#endif

namespace moezoo::core {

GroupScore parse_group_score(const std::string& name, const std::string& key) {
  if (name == "auto") return GroupScore::kAuto;
  if (name == "max") return GroupScore::kMax;
  if (name == "top2_sum") return GroupScore::kTop2Sum;
  throw Error(key + ": unknown group score '" + name + "' (expected auto, max or top2_sum)");
}

GroupScore resolved_group_score(const TopKSelectionOptions& options) {
  if (options.group_score() != GroupScore::kAuto) return options.group_score();
  return options.scoring() == ScoreFunction::kSigmoid ? GroupScore::kTop2Sum : GroupScore::kMax;
}

void check_selection_options(const TopKSelectionOptions& options, int64_t num_experts, const std::string& where) {
  const auto s = [](int64_t v) { return std::to_string(v); };
  check_input(num_experts >= 1, where + ".num_experts", "must be >= 1, got " + s(num_experts));
  check_input(options.k() >= 1 && options.k() <= num_experts, where + ".k",
              "must be in [1, num_experts=" + s(num_experts) + "], got " + s(options.k()));
  check_input(options.n_group() >= 1 && num_experts % options.n_group() == 0, where + ".n_group",
              "must be >= 1 and divide num_experts=" + s(num_experts) + ", got " + s(options.n_group()));
  if (options.n_group() > 1) {
    const int64_t group_size = num_experts / options.n_group();
    check_input(options.topk_group() >= 1 && options.topk_group() <= options.n_group(), where + ".topk_group",
                "must be in [1, n_group=" + s(options.n_group()) + "], got " + s(options.topk_group()));
    check_input(options.k() <= options.topk_group() * group_size, where + ".k",
                "k=" + s(options.k()) + " does not fit into topk_group=" + s(options.topk_group()) + " groups of " +
                    s(group_size) + " experts");
    check_input(resolved_group_score(options) != GroupScore::kTop2Sum || group_size >= 2, where + ".group_score",
                "top2_sum needs at least 2 experts per group, got " + s(group_size));
  }
}

namespace {

/// choice: [T, E] -> choice with the experts outside each token's best topk_group
/// groups set to -inf (DeepSeek-V3's MoEGate masking).
at::Tensor limit_to_groups(const at::Tensor& choice, const TopKSelectionOptions& options) {
  const int64_t t = choice.size(0);
  const at::Tensor grouped = choice.view({t, options.n_group(), -1});
  const at::Tensor group_scores = resolved_group_score(options) == GroupScore::kTop2Sum
                                      ? std::get<0>(grouped.topk(2, -1)).sum(-1)
                                      : grouped.amax(-1);
  const at::Tensor best_groups = std::get<1>(group_scores.topk(options.topk_group(), -1));
  const at::Tensor group_kept =
      at::zeros({t, options.n_group()}, choice.options().dtype(at::kBool)).scatter_(1, best_groups, true);
  return grouped.masked_fill(group_kept.logical_not().unsqueeze(-1), -std::numeric_limits<double>::infinity())
      .view({t, -1});
}

void check_select_topk_inputs(const at::Tensor& logits, const TopKSelectionOptions& options,
                              const at::Tensor& expert_bias, const char* where) {
  check_input(logits.dim() == 2, where, "logits must be [T, E], got " + std::to_string(logits.dim()) + " dims");
  const int64_t num_experts = logits.size(1);
  check_selection_options(options, num_experts, "router");
  if (expert_bias.defined())
    check_input(expert_bias.dim() == 1 && expert_bias.size(0) == num_experts, where,
                "expert_bias must be [E=" + std::to_string(num_experts) + "]");
}

}  // namespace

Routing select_topk(const at::Tensor& logits, const TopKSelectionOptions& options, const at::Tensor& expert_bias) {
  check_select_topk_inputs(logits, options, expert_bias, "select_topk");
#if MOEZOO_WITH_CUDA
  // The fused router kernel (same function; see core/kernels/cuda_router.h).
  if (logits.is_cuda() && select_topk_cuda_supported(logits, options))
    return select_topk_cuda(logits, options, expert_bias);
#endif
  return select_topk_aten(logits, options, expert_bias);
}

Routing select_topk_aten(const at::Tensor& logits, const TopKSelectionOptions& options,
                         const at::Tensor& expert_bias) {
  check_select_topk_inputs(logits, options, expert_bias, "select_topk");
  const int64_t num_experts = logits.size(1);
  Routing routing;
  routing.num_experts = num_experts;
  routing.router_logits = logits;
  routing.router_probs = compute_scores(logits, options.scoring());

  // The choice is not differentiable; only the gathered weights carry gradient.
  at::Tensor choice = routing.router_probs.detach();
  if (expert_bias.defined()) choice = choice + expert_bias.to(choice.scalar_type());
  if (options.n_group() > 1) choice = limit_to_groups(choice, options);
  routing.expert_indices = std::get<1>(choice.topk(options.k(), -1));

  at::Tensor weights = routing.router_probs.gather(1, routing.expert_indices);
  if (options.normalize_weights()) weights = weights / weights.sum(-1, /*keepdim=*/true).clamp_min(1e-20);
  if (options.routed_scaling_factor() != 1.0) weights = weights * options.routed_scaling_factor();
  routing.combine_weights = weights.to(logits.scalar_type());

  apply_capacity(routing, options.capacity_factor(), options.drop_policy());
  return routing;
}

}  // namespace moezoo::core
