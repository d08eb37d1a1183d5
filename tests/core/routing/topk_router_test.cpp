// Token-choice top-k routing: invariants, DeepSeek-V3 group limits and expert bias,
// capacity, jitter/noise, errors and seeded determinism, each checked against a plain
// per-token reference written with loops.

#include "core/routing/topk_router.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <vector>

#include "core/util/error.h"

namespace moezoo::core {
namespace {

struct ReferenceChoice {
  std::vector<int64_t> experts;  // by decreasing choice score
  std::vector<double> weights;
};

/// DeepSeek-V3's MoEGate for one token, with loops: scores s, bias b.
ReferenceChoice reference_topk(const std::vector<double>& s, const std::vector<double>& b,
                               const TopKSelectionOptions& o) {
  const int64_t e = static_cast<int64_t>(s.size());
  std::vector<double> choice(s.size());
  for (int64_t i = 0; i < e; ++i) choice[i] = s[i] + (b.empty() ? 0.0 : b[i]);
  std::vector<bool> allowed(s.size(), true);
  if (o.n_group() > 1) {
    const int64_t size = e / o.n_group();
    std::vector<std::pair<double, int64_t>> groups;
    for (int64_t g = 0; g < o.n_group(); ++g) {
      std::vector<double> members(choice.begin() + g * size, choice.begin() + (g + 1) * size);
      std::sort(members.rbegin(), members.rend());
      const bool top2 = o.group_score() == GroupScore::kTop2Sum ||
                        (o.group_score() == GroupScore::kAuto && o.scoring() == ScoreFunction::kSigmoid);
      groups.push_back({top2 ? members[0] + members[1] : members[0], g});
    }
    std::sort(groups.begin(), groups.end(), [](auto a, auto c) { return a.first > c.first; });
    std::fill(allowed.begin(), allowed.end(), false);
    for (int64_t g = 0; g < o.topk_group(); ++g) {
      for (int64_t i = 0; i < size; ++i) allowed[groups[g].second * size + i] = true;
    }
  }
  std::vector<int64_t> order;
  for (int64_t i = 0; i < e; ++i) {
    if (allowed[i]) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t c) { return choice[a] > choice[c]; });
  ReferenceChoice out;
  out.experts.assign(order.begin(), order.begin() + o.k());
  double sum = 0;
  for (int64_t i : out.experts) sum += s[i];
  for (int64_t i : out.experts) {
    out.weights.push_back((o.normalize_weights() ? s[i] / sum : s[i]) * o.routed_scaling_factor());
  }
  return out;
}

std::vector<double> row(const at::Tensor& t, int64_t i) {
  const at::Tensor r = t[i].to(torch::kDouble).contiguous();
  return std::vector<double>(r.data_ptr<double>(), r.data_ptr<double>() + r.numel());
}

/// Checks a routing against reference_topk for every token; weights to `tolerance` relative.
void expect_matches_reference(const Routing& r, const at::Tensor& x, const at::Tensor& gate_weight,
                              const TopKSelectionOptions& o, const at::Tensor& bias, double tolerance) {
  const at::Tensor logits = x.to(torch::kDouble).matmul(gate_weight.to(torch::kDouble).t());
  const at::Tensor scores = o.scoring() == ScoreFunction::kSoftmax ? logits.softmax(-1) : logits.sigmoid();
  const std::vector<double> b = bias.defined() ? row(bias.unsqueeze(0), 0) : std::vector<double>();
  for (int64_t t = 0; t < x.size(0); ++t) {
    const ReferenceChoice ref = reference_topk(row(scores, t), b, o);
    const std::vector<double> w = row(r.combine_weights, t);
    for (int64_t j = 0; j < o.k(); ++j) {
      ASSERT_EQ(r.expert_indices[t][j].item<int64_t>(), ref.experts[j]) << "token " << t << " slot " << j;
      EXPECT_NEAR(w[j], ref.weights[j], tolerance * std::abs(ref.weights[j])) << "token " << t << " slot " << j;
    }
  }
}

void expect_distinct_experts(const Routing& r) {
  for (int64_t t = 0; t < r.num_tokens(); ++t) {
    std::set<int64_t> seen;
    for (int64_t j = 0; j < r.top_k(); ++j) {
      const int64_t e = r.expert_indices[t][j].item<int64_t>();
      EXPECT_GE(e, 0);
      EXPECT_LT(e, r.num_experts);
      seen.insert(e);
    }
    EXPECT_EQ(static_cast<int64_t>(seen.size()), r.top_k()) << "token " << t;
  }
}

TEST(TopKRouter, SoftmaxRenormalisedMatchesReference) {
  torch::manual_seed(1);
  TopKRouter router(TopKRouterOptions(6, 8).selection(TopKSelectionOptions(2)));
  router->eval();
  const at::Tensor x = torch::randn({50, 6});
  const Routing r = router->route(x);
  ASSERT_EQ(r.expert_indices.sizes(), (at::IntArrayRef{50, 2}));
  ASSERT_EQ(r.router_probs.sizes(), (at::IntArrayRef{50, 8}));
  EXPECT_EQ(r.num_experts, 8);
  EXPECT_FALSE(r.expert_choice);
  expect_distinct_experts(r);
  // softmax + renormalisation: the k weights sum to 1 (float32 rounding, 1e-6).
  EXPECT_TRUE(torch::allclose(r.combine_weights.sum(-1), torch::ones({50}), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(r.router_probs.sum(-1), torch::ones({50}), 1e-6, 1e-6));
  EXPECT_TRUE(r.keep_mask.all().item<bool>());  // dropless by default
  EXPECT_TRUE(torch::equal(r.tokens_per_expert, torch::bincount(r.expert_indices.view({-1}), {}, 8)));
  EXPECT_EQ(r.tokens_per_expert.sum().item<int64_t>(), 100);
  expect_matches_reference(r, x, router->gate->weight, router->options.selection(), at::Tensor(), 1e-5);
}

TEST(TopKRouter, UnnormalisedWeightsAreTheScores) {
  torch::manual_seed(2);
  TopKRouter router(TopKRouterOptions(5, 6).selection(TopKSelectionOptions(1).normalize_weights(false)));
  const at::Tensor x = torch::randn({30, 5});
  const Routing r = router->route(x);
  EXPECT_TRUE(torch::equal(r.combine_weights, r.router_probs.gather(1, r.expert_indices)));
  EXPECT_TRUE(torch::equal(r.expert_indices.squeeze(1), r.router_probs.argmax(-1)));
  expect_matches_reference(r, x, router->gate->weight, router->options.selection(), at::Tensor(), 1e-5);
}

TEST(TopKRouter, SigmoidGroupLimitedMatchesDeepSeekV3) {
  torch::manual_seed(3);
  const auto selection =
      TopKSelectionOptions(4).scoring(ScoreFunction::kSigmoid).n_group(4).topk_group(2).routed_scaling_factor(2.5);
  TopKRouter router(TopKRouterOptions(8, 16).selection(selection));
  const at::Tensor x = torch::randn({40, 8});
  const Routing r = router->route(x);
  expect_distinct_experts(r);
  // All chosen experts lie in at most topk_group = 2 of the 4 groups of 4.
  for (int64_t t = 0; t < 40; ++t) {
    std::set<int64_t> groups;
    for (int64_t j = 0; j < 4; ++j) groups.insert(r.expert_indices[t][j].item<int64_t>() / 4);
    EXPECT_LE(groups.size(), 2u) << "token " << t;
  }
  // Normalised sigmoid weights, then scaled: they sum to the scaling factor.
  EXPECT_TRUE(torch::allclose(r.combine_weights.sum(-1), torch::full({40}, 2.5), 1e-6, 1e-6));
  EXPECT_TRUE(torch::equal(r.router_probs, r.router_logits.sigmoid()));
  expect_matches_reference(r, x, router->gate->weight, selection, at::Tensor(), 1e-5);
  // The group limit binds: without it some token picks experts from more groups.
  TopKRouter free_router(TopKRouterOptions(8, 16).selection(TopKSelectionOptions(4).scoring(ScoreFunction::kSigmoid)));
  free_router->gate->weight.set_data(router->gate->weight.detach().clone());
  const Routing free_r = free_router->route(x);
  EXPECT_FALSE(torch::equal(free_r.expert_indices, r.expert_indices));
}

TEST(TopKRouter, SoftmaxGroupLimitedUsesGroupMax) {
  torch::manual_seed(4);
  const auto selection = TopKSelectionOptions(3).n_group(3).topk_group(1);
  TopKRouter router(TopKRouterOptions(8, 12).selection(selection));
  const at::Tensor x = torch::randn({40, 8});
  const Routing r = router->route(x);
  expect_distinct_experts(r);
  for (int64_t t = 0; t < 40; ++t) {
    for (int64_t j = 1; j < 3; ++j) {
      EXPECT_EQ(r.expert_indices[t][j].item<int64_t>() / 4, r.expert_indices[t][0].item<int64_t>() / 4);
    }
  }
  expect_matches_reference(r, x, router->gate->weight, selection, at::Tensor(), 1e-5);
}

TEST(TopKRouter, ExpertBiasChangesSelectionButNotWeights) {
  torch::manual_seed(5);
  const auto selection = TopKSelectionOptions(2).scoring(ScoreFunction::kSigmoid).n_group(2).topk_group(1);
  TopKRouter router(TopKRouterOptions(6, 8).selection(selection));
  const at::Tensor x = torch::randn({64, 6});
  const Routing plain = router->route(x);
  {
    torch::NoGradGuard no_grad;
    router->expert_bias.copy_(torch::tensor({0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 0.0}));
  }
  const Routing biased = router->route(x);
  // Expert 6 (in group 1) wins every token's first slot; the selection changed...
  EXPECT_TRUE((biased.expert_indices.select(1, 0) == 6).all().item<bool>());
  EXPECT_FALSE(torch::equal(biased.expert_indices, plain.expert_indices));
  // ...but the scores and the weights come from the unbiased scores.
  EXPECT_TRUE(torch::equal(biased.router_probs, plain.router_probs));
  const at::Tensor gathered = plain.router_probs.gather(1, biased.expert_indices);
  EXPECT_TRUE(torch::allclose(biased.combine_weights, gathered / gathered.sum(-1, true), 1e-6, 0));
  expect_matches_reference(biased, x, router->gate->weight, selection, router->expert_bias, 1e-5);
}

TEST(TopKRouter, CapacityIsRespectedPerExpert) {
  torch::manual_seed(6);
  for (const DropPolicy policy : {DropPolicy::kProbability, DropPolicy::kPosition}) {
    TopKRouter router(
        TopKRouterOptions(4, 8).selection(TopKSelectionOptions(2).capacity_factor(1.0).drop_policy(policy)));
    {
      torch::NoGradGuard no_grad;  // skew the gate so that some experts overflow
      router->gate->weight[0].fill_(1.0);
    }
    const at::Tensor x = torch::randn({64, 4}).abs();
    const Routing r = router->route(x);
    const int64_t capacity = 16;  // ceil(1.0 * 64 * 2 / 8)
    EXPECT_TRUE((r.tokens_per_expert <= capacity).all().item<bool>());
    EXPECT_EQ(r.tokens_per_expert[0].item<int64_t>(), capacity);
    EXPECT_FALSE(r.keep_mask.all().item<bool>());
    EXPECT_TRUE(torch::equal(r.tokens_per_expert, torch::bincount(r.expert_indices.masked_select(r.keep_mask), {}, 8)));
    EXPECT_TRUE(
        torch::equal(r.keep_mask, capacity_keep_mask(r.expert_indices, r.combine_weights, 8, capacity, policy)));
  }
}

TEST(TopKRouter, JitterAndNoiseOnlyInTraining) {
  torch::manual_seed(7);
  TopKRouter router(TopKRouterOptions(6, 8).jitter_eps(0.1).noisy_gating(true));
  ASSERT_TRUE(router->noise_gate);
  EXPECT_TRUE(torch::equal(router->noise_gate->weight, torch::zeros({8, 6})));
  const at::Tensor x = torch::randn({20, 6});
  router->eval();
  EXPECT_TRUE(torch::equal(router->logits(x), router->gate->forward(x)));
  router->train();
  const at::Tensor noisy = router->logits(x);
  EXPECT_FALSE(torch::equal(noisy, router->gate->forward(x)));
  // Jitter bounds the relative input change by eps; with W_noise = 0 the noise has std
  // softplus(0) = log 2, so the logits move by more than jitter alone could explain.
  EXPECT_GT((noisy - router->gate->forward(x)).std().item<double>(), 0.3);
}

TEST(TopKRouter, SeededTrainingRoutingIsBitwiseDeterministic) {
  const auto run = [] {
    torch::manual_seed(123);
    TopKRouter router(TopKRouterOptions(6, 8)
                          .selection(TopKSelectionOptions(2).capacity_factor(1.0))
                          .jitter_eps(0.05)
                          .noisy_gating(true));
    router->train();
    const at::Tensor x = torch::randn({64, 6});
    return router->route(x);
  };
  const Routing a = run(), b = run();
  EXPECT_TRUE(torch::equal(a.expert_indices, b.expert_indices));
  EXPECT_TRUE(torch::equal(a.combine_weights, b.combine_weights));
  EXPECT_TRUE(torch::equal(a.router_logits, b.router_logits));
  EXPECT_TRUE(torch::equal(a.keep_mask, b.keep_mask));
  EXPECT_TRUE(torch::equal(a.tokens_per_expert, b.tokens_per_expert));
}

TEST(TopKRouter, BadOptionsAndInputsNameTheKey) {
  const auto message = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const moezoo::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message([] { TopKRouter(TopKRouterOptions(4, 8).selection(TopKSelectionOptions(9))); }).find("router.k"),
            std::string::npos);
  EXPECT_NE(message([] {
              TopKRouter(TopKRouterOptions(4, 8).selection(TopKSelectionOptions(2).n_group(3)));
            }).find("router.n_group"),
            std::string::npos);
  EXPECT_NE(message([] {
              TopKRouter(TopKRouterOptions(4, 8).selection(TopKSelectionOptions(2).n_group(4).topk_group(5)));
            }).find("router.topk_group"),
            std::string::npos);
  EXPECT_NE(message([] {
              TopKRouter(TopKRouterOptions(4, 8).selection(TopKSelectionOptions(3).n_group(4).topk_group(1)));
            }).find("router.k"),
            std::string::npos);
  TopKRouter router(TopKRouterOptions(4, 8));
  EXPECT_NE(message([&] { router->route(torch::randn({3, 5})); }).find("TopKRouter.route"), std::string::npos);
  EXPECT_NE(message([] { parse_score_function("relu"); }).find("router.scoring"), std::string::npos);
  EXPECT_NE(message([] { parse_group_score("min"); }).find("router.group_score"), std::string::npos);
}

}  // namespace
}  // namespace moezoo::core
