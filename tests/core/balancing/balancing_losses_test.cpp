// Balancing losses on hand-written routings (numbers worked out in the comments), the
// balancer's named terms, and loss gradients against finite differences.

#include "core/balancing/balancing_losses.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/balancing/balancer.h"
#include "core/routing/expert_choice_router.h"
#include "core/routing/topk_router.h"
#include "core/util/error.h"
#include "tests/core/routing/finite_difference.h"

namespace moezoo::core {
namespace {

Routing hand_routing(const at::Tensor& probs, const at::Tensor& indices) {
  Routing r;
  r.router_probs = probs;
  r.router_logits = probs.log();
  r.expert_indices = indices;
  r.combine_weights = probs.gather(1, indices);
  r.keep_mask = torch::ones(indices.sizes(), torch::kBool);
  r.num_experts = probs.size(1);
  return r;
}

// Switch, k = 1, E = 2, T = 4: probs [.8 .2] [.6 .4] [.3 .7] [.9 .1], top-1 = 0, 0, 1, 0.
// f = [3/4, 1/4], P = [(.8+.6+.3+.9)/4, (.2+.4+.7+.1)/4] = [.65, .35],
// L = 2 (.75 * .65 + .25 * .35) = 2 * .575 = 1.15.
TEST(BalancingLosses, SwitchHandComputedTop1) {
  const Routing r = hand_routing(torch::tensor({0.8, 0.2, 0.6, 0.4, 0.3, 0.7, 0.9, 0.1}, torch::kDouble).view({4, 2}),
                                 torch::tensor({0, 0, 1, 0}).view({4, 1}));
  EXPECT_NEAR(switch_load_balancing_loss(r).item<double>(), 1.15, 1e-12);
}

// Switch, k = 2, E = 3, T = 2: probs [.5 .3 .2] [.1 .6 .3], experts {0, 1} and {1, 2}.
// f = [1/4, 2/4, 1/4], P = [.3, .45, .25], L = 3 (.075 + .225 + .0625) = 1.0875.
TEST(BalancingLosses, SwitchHandComputedTop2) {
  const Routing r = hand_routing(torch::tensor({0.5, 0.3, 0.2, 0.1, 0.6, 0.3}, torch::kDouble).view({2, 3}),
                                 torch::tensor({0, 1, 1, 2}).view({2, 2}));
  EXPECT_NEAR(switch_load_balancing_loss(r).item<double>(), 1.0875, 1e-12);
  // Capacity drops do not change the count of the router's choices.
  Routing dropped = r;
  dropped.keep_mask = torch::tensor({1, 0, 1, 1}).view({2, 2}).to(torch::kBool);
  EXPECT_NEAR(switch_load_balancing_loss(dropped).item<double>(), 1.0875, 1e-12);
}

// Sigmoid scores (rows do not sum to 1), E = 2, k = 1, T = 4, top-1 = 0, 0, 1, 0:
//   s  = [.6 .2] [.3 .3] [.2 .6] [.9 .3]  ->  s' = [.75 .25] [.5 .5] [.25 .75] [.75 .25]
// sequence A = tokens 0, 1: counts [2, 0], f = 2/(1*2) [2, 0] = [2, 0],
//   P = [(.75+.5)/2, (.25+.5)/2] = [.625, .375], L_A = 1.25
// sequence B = tokens 2, 3: counts [1, 1], f = [1, 1], P = [.5, .5], L_B = 1
// mean = 1.125.
// One sequence of 4: f = 2/4 [3, 1] = [1.5, .5], P = [2.25/4, 1.75/4] = [.5625, .4375],
//   L = .84375 + .21875 = 1.0625, which is also the Switch loss (E f_switch = f_seq).
TEST(BalancingLosses, SequenceHandComputed) {
  const Routing r = hand_routing(torch::tensor({0.6, 0.2, 0.3, 0.3, 0.2, 0.6, 0.9, 0.3}, torch::kDouble).view({4, 2}),
                                 torch::tensor({0, 0, 1, 0}).view({4, 1}));
  EXPECT_NEAR(sequence_balance_loss(r, 2).item<double>(), 1.125, 1e-12);
  EXPECT_NEAR(sequence_balance_loss(r, torch::tensor({5, 5, 2, 2})).item<double>(), 1.125, 1e-12);
  EXPECT_NEAR(sequence_balance_loss(r, 4).item<double>(), 1.0625, 1e-12);
  EXPECT_NEAR(switch_load_balancing_loss(r).item<double>(), 1.0625, 1e-12);
  // Interleaved: {0, 2}: counts [1, 1], P = [.5, .5] -> 1; {1, 3}: counts [2, 0],
  // P_0 = (.5 + .75)/2 = .625 -> 2 * .625 = 1.25; mean 1.125.
  EXPECT_NEAR(sequence_balance_loss(r, torch::tensor({0, 1, 0, 1})).item<double>(), 1.125, 1e-12);
  EXPECT_THROW(sequence_balance_loss(r, 3), moezoo::Error);
  EXPECT_THROW(sequence_balance_loss(r, torch::tensor({0, 1})), moezoo::Error);
}

// z-loss: logits [0, 0] -> lse = log 2; [log 3, 0] -> lse = log 4 = 2 log 2;
// mean of squares = (1 + 4) / 2 (log 2)^2 = 2.5 * 0.480453013918201 = 1.2011325347955.
TEST(BalancingLosses, ZLossHandComputed) {
  Routing r;
  r.router_logits = torch::tensor({0.0, 0.0, std::log(3.0), 0.0}, torch::kDouble).view({2, 2});
  EXPECT_NEAR(router_z_loss(r).item<double>(), 1.2011325347955, 1e-12);
}

TEST(BalancingLosses, UniformRoutingGivesOne) {
  // Expert choice is balanced by construction: f = 1/E, so the Switch loss is sum P = 1.
  torch::manual_seed(41);
  ExpertChoiceRouter ec(ExpertChoiceRouterOptions(4, 4).capacity_factor(2.0));
  const Routing r = ec->route(torch::randn({16, 4}));
  EXPECT_NEAR(switch_load_balancing_loss(r).item<double>(), 1.0, 1e-6);
}

TEST(Balancer, NamedTermsWithCoefficients) {
  const Routing r = hand_routing(torch::tensor({0.6, 0.2, 0.3, 0.3, 0.2, 0.6, 0.9, 0.3}, torch::kDouble).view({4, 2}),
                                 torch::tensor({0, 0, 1, 0}).view({4, 1}));
  const double z = router_z_loss(r).item<double>();
  const AuxLosses all =
      balancing_losses(r, BalancerOptions().switch_coef(0.01).seq_coef(0.001).z_coef(0.1).sequence_length(2));
  ASSERT_EQ(all.terms.size(), 3u);
  EXPECT_NEAR(all.terms.at("switch").item<double>(), 0.01 * 1.0625, 1e-14);
  EXPECT_NEAR(all.terms.at("seq").item<double>(), 0.001 * 1.125, 1e-14);
  EXPECT_NEAR(all.terms.at("z").item<double>(), 0.1 * z, 1e-14);
  // Sequence ids from the context win over sequence_length; no length: one sequence.
  RouteContext context;
  context.sequence_ids = torch::tensor({0, 0, 0, 0});
  EXPECT_NEAR(
      balancing_losses(r, BalancerOptions().seq_coef(1).sequence_length(2), context).terms.at("seq").item<double>(),
      1.0625, 1e-12);
  EXPECT_NEAR(balancing_losses(r, BalancerOptions().seq_coef(1)).terms.at("seq").item<double>(), 1.0625, 1e-12);
  // Zero coefficients: no terms at all.
  EXPECT_TRUE(balancing_losses(r, BalancerOptions()).empty());
}

TEST(BalancingLosses, GradientsMatchFiniteDifferences) {
  torch::manual_seed(42);
  TopKRouter router(TopKRouterOptions(4, 6).selection(TopKSelectionOptions(2).scoring(ScoreFunction::kSigmoid)));
  router->to(torch::kDouble);
  const at::Tensor x = torch::randn({12, 4}, torch::kDouble);
  const at::Tensor chosen = router->route(x).expert_indices;
  const auto check = [&](const std::function<at::Tensor(const Routing&)>& loss) {
    return moezoo::testing::max_relative_gradient_error(
        [&] {
          const Routing r = router->route(x);
          EXPECT_TRUE(torch::equal(r.expert_indices, chosen));
          return loss(r);
        },
        {router->gate->weight});
  };
  EXPECT_LT(check([](const Routing& r) { return switch_load_balancing_loss(r); }), 1e-6);
  EXPECT_LT(check([](const Routing& r) { return sequence_balance_loss(r, 4); }), 1e-6);
  EXPECT_LT(check([](const Routing& r) { return router_z_loss(r); }), 1e-6);
}

}  // namespace
}  // namespace moezoo::core
