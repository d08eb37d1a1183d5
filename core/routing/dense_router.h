#pragma once
/// Dense (soft) router: every expert contributes, weighted by a softmax gate, as the
/// gates of MMoE (Ma et al. 2018, "Modeling Task Relationships in Multi-task Learning
/// with Multi-gate Mixture-of-Experts"): y = sum_e softmax(W_g x)_e f_e(x).
///
/// The Routing has k = E slots per token (slot j = expert j), all kept, with
/// combine_weights = router_probs.

#include <torch/arg.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

#include "core/routing/router.h"

namespace moezoo::core {

struct DenseRouterOptions {
  DenseRouterOptions(int64_t dim, int64_t num_experts) : dim_(dim), num_experts_(num_experts) {}
  TORCH_ARG(int64_t, dim);
  TORCH_ARG(int64_t, num_experts);
  TORCH_ARG(bool, gate_bias) = false;
};

class DenseRouterImpl : public Router {
 public:
  explicit DenseRouterImpl(DenseRouterOptions options);
  /// Re-draws the gate (torch::nn::Linear's initialisation).
  void reset_parameters();

  /// x: [T, D] -> Routing with k = E slots per token, all kept; the context is not used.
  Routing route(const at::Tensor& x, const RouteContext& context = {}) override;
  int64_t num_experts() const override { return options.num_experts(); }

  DenseRouterOptions options;
  torch::nn::Linear gate{nullptr};  ///< W_g: D -> E

 private:
  /// Checks the options and registers the parameters and buffers (once, from the constructor).
  void build();
};
TORCH_MODULE(DenseRouter);

}  // namespace moezoo::core
