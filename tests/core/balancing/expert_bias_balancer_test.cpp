// Auxiliary-loss-free balancing: the update rule by hand, the shared buffer, and a
// skewed router brought to a balanced load with its gate frozen.

#include "core/balancing/expert_bias_balancer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>

#include "core/balancing/routing_stats.h"
#include "core/routing/dense_router.h"
#include "core/routing/topk_router.h"

namespace moezoo::core {
namespace {

TEST(ExpertBiasBalancer, SignUpdateByHand) {
  at::Tensor bias = torch::zeros({4});
  ExpertBiasBalancer balancer(bias, ExpertBiasBalancerOptions().rate(0.1));
  balancer.step();  // nothing observed: no change
  EXPECT_TRUE(torch::equal(bias, torch::zeros({4})));
  // load [5, 1, 3, 3], mean 3: sign(mean - load) = [-1, +1, 0, 0].
  balancer.observe_load(torch::tensor({3, 0, 1, 2}));
  balancer.observe_load(torch::tensor({2, 1, 2, 1}));
  EXPECT_TRUE(torch::equal(balancer.load(), torch::tensor({5, 1, 3, 3}, torch::kLong)));
  balancer.step();
  EXPECT_TRUE(torch::allclose(bias, torch::tensor({-0.1f, 0.1f, 0.0f, 0.0f}), 0, 1e-7));
  EXPECT_TRUE(torch::equal(balancer.load(), torch::zeros({4}, torch::kLong)));
  balancer.step();  // the load was cleared
  EXPECT_TRUE(torch::allclose(bias, torch::tensor({-0.1f, 0.1f, 0.0f, 0.0f}), 0, 1e-7));
}

TEST(ExpertBiasBalancer, UpdatesTheRoutersBufferAndCountsDroppedChoices) {
  torch::manual_seed(51);
  TopKRouter router(TopKRouterOptions(4, 4).selection(TopKSelectionOptions(1).capacity_factor(0.5)));
  ASSERT_TRUE(find_expert_bias(*router).is_same(router->expert_bias));
  ExpertBiasBalancer balancer(find_expert_bias(*router), ExpertBiasBalancerOptions().rate(0.5));
  {
    torch::NoGradGuard no_grad;
    router->gate->weight.zero_();
    router->gate->weight[2].fill_(1.0);  // every token of positive x prefers expert 2
  }
  const Routing r = router->route(torch::rand({8, 4}) + 0.1);
  EXPECT_TRUE((r.expert_indices == 2).all().item<bool>());
  EXPECT_EQ(r.tokens_per_expert[2].item<int64_t>(), 1);  // capacity ceil(0.5 * 8 / 4) = 1
  balancer.observe(r);
  EXPECT_TRUE(torch::equal(balancer.load(), torch::tensor({0, 0, 8, 0}, torch::kLong)));  // demand, not kept
  balancer.step();
  EXPECT_TRUE(torch::equal(router->expert_bias, torch::tensor({0.5f, 0.5f, -0.5f, 0.5f})));
  EXPECT_TRUE(torch::equal(router->named_buffers()["expert_bias"], router->expert_bias));
  EXPECT_FALSE(router->expert_bias.requires_grad());
  EXPECT_NE(router->route(torch::rand({8, 4}) + 0.1).expert_indices[0][0].item<int64_t>(), 2);
  EXPECT_FALSE(find_expert_bias(*DenseRouter(DenseRouterOptions(4, 4))).defined());
}

/// A router whose frozen gate favours experts 0 and 1 of 8 on inputs x ~ N(mu, I).
void run_skewed_stream(ScoreFunction scoring, double rate, double* first_cv, double* final_cv) {
  torch::manual_seed(52);
  const int64_t d = 16, e = 8;
  TopKRouter router(TopKRouterOptions(d, e).selection(TopKSelectionOptions(2).scoring(scoring)));
  const at::Tensor mu = torch::full({d}, 0.5);
  {
    torch::NoGradGuard no_grad;
    router->gate->weight.normal_(0, 0.1);
    router->gate->weight[0] += 0.25;
    router->gate->weight[1] += 0.2;
  }
  for (auto& p : router->parameters()) p.set_requires_grad(false);
  ExpertBiasBalancer balancer(router->expert_bias, ExpertBiasBalancerOptions().rate(rate));
  RoutingStats stats(e);
  torch::NoGradGuard no_grad;
  for (int step = 0; step < 200; ++step) {
    const Routing r = router->route(torch::randn({512, d}) + mu);
    balancer.observe(r);
    balancer.step();
    if (step == 0) {
      const at::Tensor load = r.tokens_per_expert.to(torch::kDouble).contiguous();
      *first_cv = load_cv(std::vector<double>(load.data_ptr<double>(), load.data_ptr<double>() + e));
    }
    if (step == 150) stats.reset_step();
    stats.observe(r);
  }
  *final_cv = stats.step_metrics().at("cv");  // the last 50 batches
  std::printf("  %s scores: load CV %.3f on the first batch, %.4f over the last 50 (max_vio %.4f)\n",
              to_string(scoring).c_str(), *first_cv, *final_cv, stats.step_metrics().at("max_vio"));
}

TEST(ExpertBiasBalancer, BalancesASkewedSigmoidRouter) {
  double first = 0, last = 0;
  run_skewed_stream(ScoreFunction::kSigmoid, 1e-2, &first, &last);
  EXPECT_GT(first, 1.0);
  EXPECT_LT(last, 0.1);
}

TEST(ExpertBiasBalancer, BalancesASkewedSoftmaxRouter) {
  double first = 0, last = 0;
  run_skewed_stream(ScoreFunction::kSoftmax, 5e-3, &first, &last);
  EXPECT_GT(first, 1.0);
  EXPECT_LT(last, 0.1);
}

}  // namespace
}  // namespace moezoo::core
