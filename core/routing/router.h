#pragma once
/// The interface every router implements (token-choice top-k, expert-choice,
/// dense/soft, fixed by id, prior-guided), so that an MoE layer takes any of them.

#include <torch/nn/module.h>

#include <optional>

#include "core/routing/routing.h"

namespace moezoo::core {

/// Per-call inputs beyond the tokens.
struct RouteContext {
  /// [T] int64 ids for fixed routing (modality, dataset/site, body part); per-sample
  /// ids are expanded to tokens by the caller.
  std::optional<at::Tensor> ids;
  /// [T, E] (or [T, P], mapped to experts by the router) external prior, e.g. GeoMoE's
  /// curvature or B-MoE's region attention, for prior-guided routing.
  std::optional<at::Tensor> prior;
  /// [T] int64 sequence id of each token, for sequence-level balancing (optional).
  std::optional<at::Tensor> sequence_ids;
};

class Router : public torch::nn::Module {
 public:
  /// x: [T, D] -> Routing over num_experts() experts.
  virtual Routing route(const at::Tensor& x, const RouteContext& context = {}) = 0;
  virtual int64_t num_experts() const = 0;
};

}  // namespace moezoo::core
