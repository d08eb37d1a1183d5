#pragma once
/// Expert-choice router (Zhou et al. 2022, "Mixture-of-Experts with Expert Choice
/// Routing"): the experts pick the tokens instead of the tokens picking experts.
///
///   S = softmax(W_g x)  over experts, [T, E]
///   C = ceil(capacity_factor * T / E)  (capped at T), capacity_factor = c in the paper
///   expert e takes the C tokens with the highest S[:, e]
/// Perfect load balance by construction; a token may get 0..E experts.
///
/// The Routing has k = E slots per token (slot j = expert j), keep_mask marks the chosen
/// (token, expert) pairs, combine_weights = S where chosen and 0 elsewhere, and
/// expert_choice = true.

#include <torch/arg.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

#include "core/routing/router.h"

namespace moezoo::core {

struct ExpertChoiceRouterOptions {
  ExpertChoiceRouterOptions(int64_t dim, int64_t num_experts) : dim_(dim), num_experts_(num_experts) {}
  TORCH_ARG(int64_t, dim);
  TORCH_ARG(int64_t, num_experts);
  /// Average experts per token (the paper's c, its "k"); 2 as in the paper's EC-CF2.
  TORCH_ARG(double, capacity_factor) = 2.0;
  TORCH_ARG(bool, gate_bias) = false;
};

class ExpertChoiceRouterImpl : public Router {
 public:
  explicit ExpertChoiceRouterImpl(ExpertChoiceRouterOptions options);
  /// Re-draws the gate (torch::nn::Linear's initialisation).
  void reset_parameters();

  /// x: [T, D] -> Routing with k = E slots per token; the context is not used.
  Routing route(const at::Tensor& x, const RouteContext& context = {}) override;
  int64_t num_experts() const override { return options.num_experts(); }
  /// Tokens each expert takes for a batch of T tokens.
  int64_t capacity(int64_t num_tokens) const;

  ExpertChoiceRouterOptions options;
  torch::nn::Linear gate{nullptr};  ///< W_g: D -> E

 private:
  /// Checks the options and registers the parameters and buffers (once, from the constructor).
  void build();
};
TORCH_MODULE(ExpertChoiceRouter);

}  // namespace moezoo::core
