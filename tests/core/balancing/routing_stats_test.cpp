// Routing statistics on hand-written routings (numbers in the comments).

#include "core/balancing/routing_stats.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/util/error.h"

namespace moezoo::core {
namespace {

Routing token_choice(std::vector<int64_t> indices, std::vector<int> keep, std::vector<double> probs, int64_t t) {
  Routing r;
  r.num_experts = 4;
  r.expert_indices = torch::tensor(indices).view({t, -1});
  r.keep_mask = torch::tensor(keep).view({t, -1}).to(torch::kBool);
  r.router_probs = torch::tensor(probs, torch::kDouble).view({t, 4});
  r.combine_weights = torch::ones(r.expert_indices.sizes(), torch::kDouble);
  r.tokens_per_expert = torch::bincount(r.expert_indices.masked_select(r.keep_mask), {}, 4);
  return r;
}

TEST(LoadStatistics, CvAndMaxViolation) {
  EXPECT_DOUBLE_EQ(load_cv({1, 1, 1, 1}), 0.0);
  EXPECT_DOUBLE_EQ(load_max_violation({1, 1, 1, 1}), 0.0);
  // [4, 0, 0, 0]: mean 1, std sqrt((9 + 1 + 1 + 1) / 4) = sqrt 3, MaxVio 4 / 1 - 1 = 3.
  EXPECT_NEAR(load_cv({4, 0, 0, 0}), std::sqrt(3.0), 1e-15);
  EXPECT_DOUBLE_EQ(load_max_violation({4, 0, 0, 0}), 3.0);
  EXPECT_TRUE(std::isnan(load_cv({0, 0})));
  EXPECT_TRUE(std::isnan(load_max_violation({})));
}

// Batch 1, T = 3, k = 2, E = 4:
//   experts [0 1] [0 2] [0 1], kept [1 1] [1 0] [0 1] -> load [2, 2, 0, 0]
//   mean 1, std 1: cv 1; MaxVio 2 - 1 = 1; dead 2; dropped 2 / 6
//   probs [.25 .25 .25 .25] (H/log4 = 1), [1 0 0 0] (0), [.5 .5 0 0] (log2/log4 = .5): entropy .5
// Batch 2, T = 1: experts [2 3], both kept, probs [0 0 .5 .5] (.5) -> load [0, 0, 1, 1]
// Epoch: load [2, 2, 1, 1], mean 1.5, std .5: cv 1/3; MaxVio 2/1.5 - 1 = 1/3; dead 0;
//   dropped 2 / 8; entropy (1 + 0 + .5 + .5) / 4 = .5; tokens 4.
TEST(RoutingStats, HandComputedStepAndEpoch) {
  RoutingStats stats(4);
  stats.observe(
      token_choice({0, 1, 0, 2, 0, 1}, {1, 1, 1, 0, 0, 1}, {.25, .25, .25, .25, 1, 0, 0, 0, .5, .5, 0, 0}, 3));
  auto step = stats.step_metrics();
  EXPECT_EQ(step.at("tokens"), 3);
  EXPECT_NEAR(step.at("cv"), 1.0, 1e-12);
  EXPECT_NEAR(step.at("max_vio"), 1.0, 1e-12);
  EXPECT_EQ(step.at("dead_experts"), 2);
  EXPECT_NEAR(step.at("dropped_fraction"), 2.0 / 6, 1e-12);
  EXPECT_NEAR(step.at("entropy"), 0.5, 1e-12);
  EXPECT_EQ(stats.step_load(), (std::vector<double>{2, 2, 0, 0}));

  stats.reset_step();
  EXPECT_EQ(stats.step_metrics().at("tokens"), 0);
  EXPECT_TRUE(std::isnan(stats.step_metrics().at("cv")));
  stats.observe(token_choice({2, 3}, {1, 1}, {0, 0, .5, .5}, 1));
  EXPECT_EQ(stats.step_load(), (std::vector<double>{0, 0, 1, 1}));
  EXPECT_NEAR(stats.step_metrics().at("entropy"), 0.5, 1e-12);

  const auto epoch = stats.epoch_metrics();
  EXPECT_EQ(epoch.at("tokens"), 4);
  EXPECT_EQ(stats.epoch_load(), (std::vector<double>{2, 2, 1, 1}));
  EXPECT_NEAR(epoch.at("cv"), 1.0 / 3, 1e-12);
  EXPECT_NEAR(epoch.at("max_vio"), 1.0 / 3, 1e-12);
  EXPECT_EQ(epoch.at("dead_experts"), 0);
  EXPECT_NEAR(epoch.at("dropped_fraction"), 0.25, 1e-12);
  EXPECT_NEAR(epoch.at("entropy"), 0.5, 1e-12);

  stats.reset_epoch();
  EXPECT_EQ(stats.epoch_metrics().at("tokens"), 0);
  EXPECT_EQ(stats.epoch_load(), (std::vector<double>{0, 0, 0, 0}));
}

// Expert choice, T = 3, E = 2: chosen [1 0] [0 0] [1 1] -> token 1 unchosen: dropped 1/3;
// load [2, 1]; sigmoid-like scores [.2 .2] normalise to [.5 .5]: entropy 1 for every token.
TEST(RoutingStats, ExpertChoiceDropsAreUnchosenTokens) {
  Routing r;
  r.num_experts = 2;
  r.expert_choice = true;
  r.expert_indices = torch::arange(2).expand({3, 2}).contiguous();
  r.keep_mask = torch::tensor({1, 0, 0, 0, 1, 1}).view({3, 2}).to(torch::kBool);
  r.router_probs = torch::full({3, 2}, 0.2);
  r.tokens_per_expert = torch::tensor({2, 1});
  RoutingStats stats(2);
  stats.observe(r);
  const auto m = stats.step_metrics();
  EXPECT_NEAR(m.at("dropped_fraction"), 1.0 / 3, 1e-12);
  EXPECT_NEAR(m.at("entropy"), 1.0, 1e-6);
  EXPECT_EQ(stats.step_load(), (std::vector<double>{2, 1}));
  EXPECT_THROW(RoutingStats(3).observe(r), moezoo::Error);
}

}  // namespace
}  // namespace moezoo::core
