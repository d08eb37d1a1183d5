// Capacity and drop policies: hand-computed examples, and random cases against a plain
// loop implementation of each policy.

#include "core/balancing/capacity.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "core/util/error.h"

namespace moezoo::core {
namespace {

at::Tensor bools(std::vector<std::vector<int>> rows) {
  std::vector<int64_t> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  return torch::tensor(flat).view({static_cast<int64_t>(rows.size()), -1}).to(torch::kBool);
}

/// The policies with loops: walk the slots in priority order, keep while the expert has room.
at::Tensor reference_keep(const at::Tensor& indices, const at::Tensor& weights, int64_t num_experts, int64_t capacity,
                          DropPolicy policy) {
  const int64_t t = indices.size(0), k = indices.size(1);
  std::vector<std::pair<int64_t, int64_t>> slots;  // (token, slot)
  if (policy == DropPolicy::kPosition) {
    for (int64_t j = 0; j < k; ++j) {
      for (int64_t i = 0; i < t; ++i) slots.push_back({i, j});
    }
  } else {
    for (int64_t i = 0; i < t; ++i) {
      for (int64_t j = 0; j < k; ++j) slots.push_back({i, j});
    }
    std::stable_sort(slots.begin(), slots.end(),
                     [&](const std::pair<int64_t, int64_t>& a, const std::pair<int64_t, int64_t>& b) {
                       return weights[a.first][a.second].item<double>() > weights[b.first][b.second].item<double>();
                     });
  }
  std::vector<int64_t> used(static_cast<size_t>(num_experts), 0);
  at::Tensor keep = torch::zeros({t, k}, torch::kBool);
  for (const auto& [i, j] : slots) {
    const int64_t e = indices[i][j].item<int64_t>();
    if (used[e] < capacity) {
      ++used[e];
      keep[i][j] = true;
    }
  }
  return keep;
}

TEST(Capacity, FormulaAndRounding) {
  EXPECT_EQ(expert_capacity(1.0, 64, 2, 8), 16);
  EXPECT_EQ(expert_capacity(1.25, 10, 1, 4), 4);    // ceil(3.125)
  EXPECT_EQ(expert_capacity(1.1, 100, 1, 10), 11);  // 11.000000000000002 in floating point
  EXPECT_EQ(expert_capacity(2.0, 3, 1, 4), 2);      // ceil(1.5)
  EXPECT_EQ(expert_capacity(0.0, 64, 2, 8), -1);
  EXPECT_EQ(expert_capacity(-1.0, 64, 2, 8), -1);
  EXPECT_THROW(expert_capacity(1.0, 64, 2, 0), moezoo::Error);
}

// T = 4, k = 2, E = 3, capacity 2:
//   token 0: e0 (0.6) e1 (0.4)    token 1: e0 (0.7) e2 (0.3)
//   token 2: e0 (0.5) e1 (0.5)    token 3: e1 (0.9) e0 (0.1)
// probability: e0 keeps 0.7 (t1) and 0.6 (t0), drops t2 (0.5) and t3 (0.1);
//              e1 keeps 0.9 (t3) and 0.5 (t2), drops t0 (0.4); e2 keeps t1.
// position (first choices in token order, then second choices):
//   e0 <- t0, t1 (first choices), t2 dropped, t3's second choice dropped;
//   e1 <- t3 (first choice), t0 (second choice), t2's second choice dropped; e2 <- t1.
TEST(Capacity, HandComputedDropPolicies) {
  const at::Tensor indices = torch::tensor({0, 1, 0, 2, 0, 1, 1, 0}).view({4, 2});
  const at::Tensor weights = torch::tensor({0.6, 0.4, 0.7, 0.3, 0.5, 0.5, 0.9, 0.1}).view({4, 2});
  const at::Tensor prob = capacity_keep_mask(indices, weights, 3, 2, DropPolicy::kProbability);
  EXPECT_TRUE(torch::equal(prob, bools({{1, 0}, {1, 1}, {0, 1}, {1, 0}}))) << prob;
  const at::Tensor pos = capacity_keep_mask(indices, weights, 3, 2, DropPolicy::kPosition);
  EXPECT_TRUE(torch::equal(pos, bools({{1, 1}, {1, 1}, {0, 0}, {1, 0}}))) << pos;
  EXPECT_TRUE(torch::equal(count_tokens_per_expert(indices, prob, 3), torch::tensor({2, 2, 1}, torch::kLong)));
  EXPECT_TRUE(torch::equal(count_tokens_per_expert(indices, pos, 3), torch::tensor({2, 2, 1}, torch::kLong)));

  Routing routing;
  routing.expert_indices = indices;
  routing.combine_weights = weights;
  routing.num_experts = 3;
  apply_capacity(routing, 1.0 * 3 / 4, DropPolicy::kProbability);  // ceil(0.75 * 4 * 2 / 3) = 2
  EXPECT_TRUE(torch::equal(routing.keep_mask, prob));
  EXPECT_TRUE(torch::equal(routing.tokens_per_expert, torch::tensor({2, 2, 1}, torch::kLong)));
  apply_capacity(routing, 0.0, DropPolicy::kProbability);  // dropless
  EXPECT_TRUE(routing.keep_mask.all().item<bool>());
  EXPECT_TRUE(torch::equal(routing.tokens_per_expert, torch::tensor({4, 3, 1}, torch::kLong)));
}

TEST(Capacity, EqualWeightsKeepTheEarlierTokens) {
  const at::Tensor indices = torch::zeros({5, 1}, torch::kLong);
  const at::Tensor weights = torch::full({5, 1}, 0.5);
  EXPECT_TRUE(torch::equal(capacity_keep_mask(indices, weights, 2, 2, DropPolicy::kProbability),
                           bools({{1}, {1}, {0}, {0}, {0}})));
}

TEST(Capacity, RandomCasesMatchTheLoopReference) {
  torch::manual_seed(31);
  for (const DropPolicy policy : {DropPolicy::kProbability, DropPolicy::kPosition}) {
    for (int trial = 0; trial < 3; ++trial) {
      const at::Tensor scores = torch::rand({60, 8}) + torch::linspace(0, 1, 8);  // skewed to high experts
      const auto [weights, indices] = scores.topk(2, -1);
      const int64_t capacity = expert_capacity(0.8, 60, 2, 8);  // 12
      const at::Tensor keep = capacity_keep_mask(indices, weights, 8, capacity, policy);
      EXPECT_TRUE(torch::equal(keep, reference_keep(indices, weights, 8, capacity, policy)));
      EXPECT_TRUE((count_tokens_per_expert(indices, keep, 8) <= capacity).all().item<bool>());
      // Deterministic: the same input gives the same mask.
      EXPECT_TRUE(torch::equal(keep, capacity_keep_mask(indices, weights, 8, capacity, policy)));
    }
  }
}

TEST(Capacity, PolicyNames) {
  EXPECT_EQ(parse_drop_policy("probability"), DropPolicy::kProbability);
  EXPECT_EQ(parse_drop_policy("position"), DropPolicy::kPosition);
  EXPECT_EQ(to_string(DropPolicy::kPosition), "position");
  try {
    parse_drop_policy("random", "model.router.drop_policy");
    FAIL() << "no error";
  } catch (const moezoo::Error& e) {
    EXPECT_NE(std::string(e.what()).find("model.router.drop_policy"), std::string::npos);
  }
}

}  // namespace
}  // namespace moezoo::core
