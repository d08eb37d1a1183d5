#pragma once
/// Fixed router: each token goes to the expert named by an id the caller knows
/// (modality, dataset/site, body part), with weight 1, k = 1. Nothing is learned;
/// "task-specific experts" of multi-modal and multi-site models.

#include <torch/arg.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <vector>

#include "core/routing/router.h"

namespace moezoo::core {

struct FixedRouterOptions {
  explicit FixedRouterOptions(int64_t num_experts) : num_experts_(num_experts) {}
  TORCH_ARG(int64_t, num_experts);
  /// id -> expert table (several ids may share an expert); empty: expert = id.
  TORCH_ARG(std::vector<int64_t>, id_to_expert) = {};
};

class FixedRouterImpl : public Router {
 public:
  explicit FixedRouterImpl(FixedRouterOptions options);

  /// x: [T, D] (only T is read), context.ids: [T] integer ids -> Routing with k = 1,
  /// weight 1, all kept. router_probs is one-hot; router_logits are zeros (a fixed
  /// router has none, so a z-loss on it is a constant). Throws moezoo::Error naming
  /// RouteContext.ids when the ids are missing, mis-shaped or out of range.
  Routing route(const at::Tensor& x, const RouteContext& context = {}) override;
  int64_t num_experts() const override { return options.num_experts(); }

  FixedRouterOptions options;

 private:
  /// Checks the options (a fixed router has no parameters).
  void build();
};
TORCH_MODULE(FixedRouter);

}  // namespace moezoo::core
