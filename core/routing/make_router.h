#pragma once
/// Routers chosen by name, as configs do (`model.router.kind: topk`), in the manner of
/// MONAI's layer factories: one flat options record with every router's fields (strings
/// for the enumerated choices, parsed with errors naming the key) and make_router().

#include <torch/arg.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/routing/router.h"
#include "core/routing/topk_selection.h"

namespace moezoo::core {

struct RouterOptions {
  RouterOptions(std::string kind, int64_t dim, int64_t num_experts)
      : kind_(std::move(kind)), dim_(dim), num_experts_(num_experts) {}
  /// "topk" | "expert_choice" | "dense" | "fixed" | "prior".
  TORCH_ARG(std::string, kind);
  TORCH_ARG(int64_t, dim);
  TORCH_ARG(int64_t, num_experts);
  // --- top-k selection (topk, prior) ---
  TORCH_ARG(int64_t, k) = 2;
  TORCH_ARG(std::string, scoring) = "softmax";  ///< "softmax" | "sigmoid"
  /// Renormalise the k weights to sum 1; set false for Switch-style k = 1, where it
  /// would make every weight 1 and leave the gate without a task gradient.
  TORCH_ARG(bool, normalize_weights) = true;
  TORCH_ARG(int64_t, n_group) = 1;
  TORCH_ARG(int64_t, topk_group) = 1;
  TORCH_ARG(std::string, group_score) = "auto";  ///< "auto" | "max" | "top2_sum"
  TORCH_ARG(double, routed_scaling_factor) = 1.0;
  /// topk/prior: capacity per expert = ceil(cf * T * k / E), <= 0 dropless.
  /// expert_choice: C = ceil(cf * T / E), <= 0 means cf = k.
  TORCH_ARG(double, capacity_factor) = 0.0;
  TORCH_ARG(std::string, drop_policy) = "probability";  ///< "probability" | "position"
  // --- gate (topk, expert_choice, dense, prior) ---
  TORCH_ARG(bool, gate_bias) = false;
  // --- topk only ---
  TORCH_ARG(double, jitter_eps) = 0.0;
  TORCH_ARG(bool, noisy_gating) = false;
  // --- fixed only ---
  TORCH_ARG(std::vector<int64_t>, id_to_expert) = {};
  // --- prior only ---
  TORCH_ARG(int64_t, prior_dim) = 0;
  TORCH_ARG(double, beta_init) = 1.0;
  TORCH_ARG(bool, learn_beta) = true;
};

/// The router kinds make_router knows, in a stable order.
std::vector<std::string> router_kinds();

/// The selection fields of `options`, parsed (errors name router.<field>).
TopKSelectionOptions selection_options(const RouterOptions& options);

/// A new router of `options.kind()`; throws moezoo::Error naming router.kind for an
/// unknown kind and router.<field> for an invalid field.
std::shared_ptr<Router> make_router(const RouterOptions& options);

}  // namespace moezoo::core
