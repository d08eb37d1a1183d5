#include "core/kernels/cuda_router.h"

#include <torch/torch.h>

#include "core/balancing/capacity.h"
#include "core/kernels/fused_topk.h"
#include "core/routing/scoring.h"

namespace moezoo::core {

namespace {

kernels::FusedTopKParams params_of(const TopKSelectionOptions& o) {
  kernels::FusedTopKParams p;
  p.k = o.k();
  p.sigmoid = o.scoring() == ScoreFunction::kSigmoid;
  p.normalize = o.normalize_weights();
  p.n_group = o.n_group();
  p.topk_group = o.topk_group();
  p.group_top2 = resolved_group_score(o) == GroupScore::kTop2Sum;
  p.scaling = o.routed_scaling_factor();
  return p;
}

}  // namespace

bool select_topk_cuda_supported(const at::Tensor& logits, const TopKSelectionOptions& options) {
  return kernels::fused_topk_supported(logits, params_of(options));
}

Routing select_topk_cuda(const at::Tensor& logits, const TopKSelectionOptions& options,
                         const at::Tensor& expert_bias) {
  const at::Tensor input = logits.detach().contiguous();
  const int64_t T = input.size(0), E = input.size(1), k = options.k();
  const bool differentiable = at::GradMode::is_enabled() && logits.requires_grad();
  const auto device = input.options();
  at::Tensor indices = at::empty({T, k}, device.dtype(at::kLong));
  at::Tensor counts = at::empty({E}, device.dtype(at::kLong));
  at::Tensor probs, weights, keep;
  if (!differentiable) {
    probs = at::empty({T, E}, device.dtype(at::kFloat));
    weights = at::empty({T, k}, device);
  }
  const bool dropless = options.capacity_factor() <= 0;
  if (dropless) keep = at::empty({T, k}, device.dtype(at::kBool));
  const at::Tensor bias =
      expert_bias.defined() ? expert_bias.detach().to(input.device(), at::kFloat).contiguous() : at::Tensor();
  kernels::fused_topk_out(input, bias, params_of(options), indices, counts, probs, weights, keep);

  Routing routing;
  routing.num_experts = E;
  routing.router_logits = logits;
  routing.expert_indices = indices;
  if (differentiable) {
    routing.router_probs = compute_scores(logits, options.scoring());
    at::Tensor w = routing.router_probs.gather(1, indices);
    if (options.normalize_weights()) w = w / w.sum(-1, /*keepdim=*/true).clamp_min(1e-20);
    if (options.routed_scaling_factor() != 1.0) w = w * options.routed_scaling_factor();
    routing.combine_weights = w.to(logits.scalar_type());
  } else {
    routing.router_probs = probs;
    routing.combine_weights = weights;
  }
  if (dropless) {
    routing.keep_mask = keep;
    routing.tokens_per_expert = counts;
  } else {
    apply_capacity(routing, options.capacity_factor(), options.drop_policy());
  }
  return routing;
}

}  // namespace moezoo::core
