// Router gradients against central finite differences in double precision: the gate
// weights of every learned router, and beta and the prior projection of the
// prior-guided router. Bound: relative error 1e-6 (a correct gradient gives ~1e-9).

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/routing/dense_router.h"
#include "core/routing/expert_choice_router.h"
#include "core/routing/prior_router.h"
#include "core/routing/topk_router.h"
#include "tests/core/routing/finite_difference.h"

namespace moezoo::core {
namespace {

constexpr double kBound = 1e-6;

/// sum(combine_weights * probe): a loss that reads every kept weight differently.
at::Tensor probe_loss(const Routing& r, const at::Tensor& probe) {
  return (r.combine_weights * probe * r.keep_mask.to(torch::kDouble)).sum();
}

TEST(RouterGradients, TopKSoftmaxRenormalised) {
  torch::manual_seed(21);
  TopKRouter router(TopKRouterOptions(5, 6).selection(TopKSelectionOptions(2)).gate_bias(true));
  router->to(torch::kDouble);
  const at::Tensor x = torch::randn({12, 5}, torch::kDouble), probe = torch::randn({12, 2}, torch::kDouble);
  const at::Tensor chosen = router->route(x).expert_indices;
  const auto loss = [&] {
    const Routing r = router->route(x);
    EXPECT_TRUE(torch::equal(r.expert_indices, chosen));  // a perturbation must not flip a choice
    return probe_loss(r, probe);
  };
  EXPECT_LT(moezoo::testing::max_relative_gradient_error(loss, {router->gate->weight, router->gate->bias}), kBound);
}

TEST(RouterGradients, TopKSigmoidGroupLimitedScaled) {
  torch::manual_seed(22);
  const auto selection = TopKSelectionOptions(3)
                             .scoring(ScoreFunction::kSigmoid)
                             .n_group(4)
                             .topk_group(2)
                             .routed_scaling_factor(2.5)
                             .capacity_factor(1.0);
  TopKRouter router(TopKRouterOptions(4, 8).selection(selection));
  router->to(torch::kDouble);
  {
    torch::NoGradGuard no_grad;
    router->expert_bias.copy_(torch::linspace(-0.2, 0.2, 8, torch::kDouble));
  }
  const at::Tensor x = torch::randn({10, 4}, torch::kDouble), probe = torch::randn({10, 3}, torch::kDouble);
  const auto loss = [&] { return probe_loss(router->route(x), probe); };
  EXPECT_LT(moezoo::testing::max_relative_gradient_error(loss, {router->gate->weight}), kBound);
  EXPECT_FALSE(router->expert_bias.requires_grad());
}

TEST(RouterGradients, TopKSingleExpertUnnormalised) {
  torch::manual_seed(23);
  TopKRouter router(TopKRouterOptions(4, 5).selection(TopKSelectionOptions(1).normalize_weights(false)));
  router->to(torch::kDouble);
  const at::Tensor x = torch::randn({9, 4}, torch::kDouble), probe = torch::randn({9, 1}, torch::kDouble);
  const auto loss = [&] { return probe_loss(router->route(x), probe); };
  EXPECT_LT(moezoo::testing::max_relative_gradient_error(loss, {router->gate->weight}), kBound);
}

TEST(RouterGradients, PriorRouterGateBetaAndProjection) {
  torch::manual_seed(24);
  PriorRouter router(PriorRouterOptions(4, 6).selection(TopKSelectionOptions(2)).prior_dim(3).beta_init(0.5));
  router->to(torch::kDouble);
  const at::Tensor x = torch::randn({10, 4}, torch::kDouble), probe = torch::randn({10, 2}, torch::kDouble);
  RouteContext context;
  context.prior = torch::randn({10, 3}, torch::kDouble);
  const auto loss = [&] { return probe_loss(router->route(x, context), probe); };
  EXPECT_LT(moezoo::testing::max_relative_gradient_error(
                loss, {router->gate->weight, router->beta, router->prior_proj->weight}),
            kBound);
  // Each of them really receives a non-zero gradient.
  router->zero_grad();
  loss().backward();
  EXPECT_GT(router->beta.grad().abs().item<double>(), 0);
  EXPECT_GT(router->prior_proj->weight.grad().abs().sum().item<double>(), 0);
}

TEST(RouterGradients, ExpertChoiceAndDense) {
  torch::manual_seed(25);
  ExpertChoiceRouter ec(ExpertChoiceRouterOptions(4, 3).capacity_factor(1.5));
  DenseRouter dense(DenseRouterOptions(4, 3));
  ec->to(torch::kDouble);
  dense->to(torch::kDouble);
  const at::Tensor x = torch::randn({8, 4}, torch::kDouble), probe = torch::randn({8, 3}, torch::kDouble);
  EXPECT_LT(
      moezoo::testing::max_relative_gradient_error([&] { return probe_loss(ec->route(x), probe); }, {ec->gate->weight}),
      kBound);
  EXPECT_LT(moezoo::testing::max_relative_gradient_error([&] { return probe_loss(dense->route(x), probe); },
                                                         {dense->gate->weight}),
            kBound);
}

}  // namespace
}  // namespace moezoo::core
