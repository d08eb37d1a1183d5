// Expert-choice, dense, fixed and prior-guided routers and the factory by name.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <string>

#include "core/routing/dense_router.h"
#include "core/routing/expert_choice_router.h"
#include "core/routing/fixed_router.h"
#include "core/routing/make_router.h"
#include "core/routing/prior_router.h"
#include "core/routing/topk_router.h"
#include "core/util/error.h"

namespace moezoo::core {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const moezoo::Error& e) {
    return e.what();
  }
  return "no error";
}

#define EXPECT_ERROR_NAMES(statement, key) \
  EXPECT_NE(error_of([&] { statement; }).find(key), std::string::npos) << error_of([&] { statement; })

TEST(ExpertChoiceRouter, EachExpertTakesExactlyCapacityTopTokens) {
  torch::manual_seed(11);
  ExpertChoiceRouter router(ExpertChoiceRouterOptions(6, 4).capacity_factor(2.0));
  const at::Tensor x = torch::randn({21, 6});
  const Routing r = router->route(x);
  const int64_t c = 11;  // ceil(21 * 2 / 4) = ceil(10.5)
  EXPECT_EQ(router->capacity(21), c);
  EXPECT_TRUE(r.expert_choice);
  ASSERT_EQ(r.expert_indices.sizes(), (at::IntArrayRef{21, 4}));
  EXPECT_TRUE(torch::equal(r.expert_indices, torch::arange(4).expand({21, 4})));
  EXPECT_TRUE(torch::equal(r.keep_mask.sum(0), torch::full({4}, c, torch::kLong)));
  EXPECT_TRUE(torch::equal(r.tokens_per_expert, torch::full({4}, c, torch::kLong)));
  const at::Tensor probs = x.matmul(router->gate->weight.t()).softmax(-1);
  EXPECT_TRUE(torch::allclose(r.router_probs, probs, 1e-6, 1e-7));
  // Reference: each expert's chosen tokens are those above its (C+1)-th largest score.
  for (int64_t e = 0; e < 4; ++e) {
    const at::Tensor column = std::get<0>(r.router_probs.select(1, e).sort(0, /*descending=*/true));
    const double threshold = column[c - 1].item<double>();
    const double next = column[c].item<double>();
    ASSERT_GT(threshold, next);
    EXPECT_TRUE(torch::equal(r.keep_mask.select(1, e), r.router_probs.select(1, e) >= threshold)) << "expert " << e;
  }
  EXPECT_TRUE(torch::equal(r.combine_weights, torch::where(r.keep_mask, r.router_probs, torch::zeros_like(probs))));
  // C is capped at T.
  EXPECT_EQ(ExpertChoiceRouter(ExpertChoiceRouterOptions(6, 4).capacity_factor(8.0))->capacity(3), 3);
  EXPECT_ERROR_NAMES(ExpertChoiceRouter(ExpertChoiceRouterOptions(6, 4).capacity_factor(0)), "router.capacity_factor");
}

TEST(DenseRouter, EveryExpertWeightedBySoftmax) {
  torch::manual_seed(12);
  DenseRouter router(DenseRouterOptions(5, 3).gate_bias(true));
  const at::Tensor x = torch::randn({10, 5});
  const Routing r = router->route(x);
  EXPECT_EQ(r.top_k(), 3);
  EXPECT_TRUE(r.keep_mask.all().item<bool>());
  EXPECT_TRUE(torch::equal(r.expert_indices, torch::arange(3).expand({10, 3})));
  EXPECT_TRUE(torch::allclose(r.combine_weights.sum(-1), torch::ones({10}), 1e-6, 1e-6));
  const at::Tensor reference = (x.matmul(router->gate->weight.t()) + router->gate->bias).softmax(-1);
  EXPECT_TRUE(torch::allclose(r.combine_weights, reference, 1e-6, 1e-7));
  EXPECT_TRUE(torch::equal(r.tokens_per_expert, torch::full({3}, 10, torch::kLong)));
}

TEST(FixedRouter, RoutesByIdAndTable) {
  FixedRouter router(FixedRouterOptions(3));
  const at::Tensor x = torch::randn({4, 2});
  RouteContext context;
  context.ids = torch::tensor({2, 0, 0, 1}, torch::kInt);
  const Routing r = router->route(x, context);
  EXPECT_TRUE(torch::equal(r.expert_indices, torch::tensor({2, 0, 0, 1}, torch::kLong).view({4, 1})));
  EXPECT_TRUE(torch::equal(r.combine_weights, torch::ones({4, 1})));
  EXPECT_TRUE(r.keep_mask.all().item<bool>());
  EXPECT_TRUE(torch::equal(r.tokens_per_expert, torch::tensor({2, 1, 1}, torch::kLong)));
  EXPECT_TRUE(torch::equal(r.router_probs.argmax(-1), torch::tensor({2, 0, 0, 1}, torch::kLong)));

  FixedRouter mapped(FixedRouterOptions(2).id_to_expert({1, 1, 0}));  // 3 ids onto 2 experts
  const Routing m = mapped->route(x, context);
  EXPECT_TRUE(torch::equal(m.expert_indices.view({-1}), torch::tensor({0, 1, 1, 1}, torch::kLong)));
}

TEST(FixedRouter, BadIdsNameTheArgument) {
  FixedRouter router(FixedRouterOptions(3));
  const at::Tensor x = torch::randn({4, 2});
  RouteContext none;
  EXPECT_ERROR_NAMES(router->route(x, none), "RouteContext.ids");
  RouteContext out_of_range;
  out_of_range.ids = torch::tensor({0, 1, 3, 0});
  EXPECT_ERROR_NAMES(router->route(x, out_of_range), "RouteContext.ids");
  EXPECT_ERROR_NAMES(router->route(x, out_of_range), "[0, 3)");
  RouteContext negative;
  negative.ids = torch::tensor({0, -1, 0, 0});
  EXPECT_ERROR_NAMES(router->route(x, negative), "RouteContext.ids");
  RouteContext wrong_length;
  wrong_length.ids = torch::tensor({0, 1});
  EXPECT_ERROR_NAMES(router->route(x, wrong_length), "RouteContext.ids");
  RouteContext floating;
  floating.ids = torch::tensor({0.0, 1.0, 0.0, 1.0});
  EXPECT_ERROR_NAMES(router->route(x, floating), "RouteContext.ids");
  EXPECT_ERROR_NAMES(FixedRouter(FixedRouterOptions(2).id_to_expert({0, 2})), "router.id_to_expert");
}

TEST(PriorRouter, BetaZeroIsPlainTopK) {
  torch::manual_seed(13);
  const auto selection = TopKSelectionOptions(2).scoring(ScoreFunction::kSigmoid).n_group(2).topk_group(1);
  PriorRouter prior(PriorRouterOptions(6, 8).selection(selection).beta_init(0.0));
  TopKRouter plain(TopKRouterOptions(6, 8).selection(selection));
  plain->gate->weight.set_data(prior->gate->weight.detach().clone());
  const at::Tensor x = torch::randn({40, 6});
  RouteContext context;
  context.prior = torch::randn({40, 8});
  const Routing a = prior->route(x, context), b = plain->route(x);
  EXPECT_TRUE(torch::equal(a.expert_indices, b.expert_indices));
  EXPECT_TRUE(torch::equal(a.combine_weights, b.combine_weights));
  EXPECT_TRUE(torch::equal(a.router_probs, b.router_probs));
}

TEST(PriorRouter, LargeBetaFollowsThePrior) {
  torch::manual_seed(14);
  // A prior whose values are 1 apart (a permutation of 0..7 per token): with beta = 20 the
  // prior's gaps (20) dwarf the gate's logits (|W x| of order 1), while the softmax of
  // gaps of 20 still stays far from float32 underflow (e^-40 ~ 4e-18).
  PriorRouter router(PriorRouterOptions(6, 8).selection(TopKSelectionOptions(3)).beta_init(20.0));
  const at::Tensor x = torch::randn({40, 6});
  RouteContext context;
  context.prior = torch::rand({40, 8}).argsort(/*stable=*/false, /*dim=*/-1).to(torch::kFloat);
  EXPECT_LT(router->gate->forward(x).abs().max().item<double>(), 5.0);
  const Routing r = router->route(x, context);
  EXPECT_TRUE(torch::equal(r.expert_indices, std::get<1>(context.prior->topk(3, -1))));
}

TEST(PriorRouter, ProjectedPriorFollowsTheDocumentedFormula) {
  torch::manual_seed(15);
  PriorRouter router(PriorRouterOptions(6, 8).prior_dim(3).beta_init(0.7).gate_bias(true));
  ASSERT_TRUE(router->prior_proj);
  EXPECT_TRUE(router->beta.requires_grad());
  const at::Tensor x = torch::randn({10, 6}), prior = torch::randn({10, 3});
  const at::Tensor expected =
      x.matmul(router->gate->weight.t()) + router->gate->bias + 0.7 * prior.matmul(router->prior_proj->weight.t());
  EXPECT_TRUE(torch::allclose(router->logits(x, prior), expected, 1e-5, 1e-6));
  RouteContext none;
  EXPECT_ERROR_NAMES(router->route(x, none), "RouteContext.prior");
  RouteContext wrong;
  wrong.prior = torch::randn({10, 8});
  EXPECT_ERROR_NAMES(router->route(x, wrong), "RouteContext.prior");
  PriorRouter frozen(PriorRouterOptions(6, 8).learn_beta(false).beta_init(2.0));
  EXPECT_FALSE(frozen->beta.requires_grad());
  EXPECT_EQ(frozen->parameters().size(), 1u);  // the gate weight only
}

TEST(RouterReset, ParametersReturnToTheirInitialisation) {
  torch::manual_seed(16);
  PriorRouter prior(PriorRouterOptions(4, 6).prior_dim(2).beta_init(0.3));
  TopKRouter topk(TopKRouterOptions(4, 6).noisy_gating(true));
  {
    torch::NoGradGuard no_grad;
    prior->beta.fill_(5.0);
    prior->expert_bias.fill_(1.0);
    topk->noise_gate->weight.fill_(1.0);
    topk->expert_bias.fill_(1.0);
  }
  const at::Tensor old_gate = topk->gate->weight.detach().clone();
  prior->reset_parameters();
  topk->reset_parameters();
  EXPECT_EQ(prior->beta.item<double>(), 0.3f);
  EXPECT_TRUE(torch::equal(prior->expert_bias, torch::zeros({6})));
  EXPECT_TRUE(torch::equal(topk->noise_gate->weight, torch::zeros({6, 4})));
  EXPECT_TRUE(torch::equal(topk->expert_bias, torch::zeros({6})));
  EXPECT_FALSE(torch::equal(topk->gate->weight, old_gate));  // re-drawn
  EXPECT_EQ(topk->parameters().size(), 2u);                  // nothing registered twice
}

TEST(MakeRouter, BuildsEveryKindByName) {
  for (const std::string& kind : router_kinds()) {
    const auto router =
        make_router(RouterOptions(kind, 6, 8).k(2).scoring("sigmoid").prior_dim(kind == "prior" ? 3 : 0));
    ASSERT_TRUE(router) << kind;
    EXPECT_EQ(router->num_experts(), 8) << kind;
  }
  EXPECT_NE(std::dynamic_pointer_cast<TopKRouterImpl>(make_router(RouterOptions("topk", 6, 8))), nullptr);
  EXPECT_NE(std::dynamic_pointer_cast<DenseRouterImpl>(make_router(RouterOptions("dense", 6, 8))), nullptr);
  EXPECT_NE(std::dynamic_pointer_cast<FixedRouterImpl>(make_router(RouterOptions("fixed", 6, 8))), nullptr);
  EXPECT_NE(std::dynamic_pointer_cast<PriorRouterImpl>(make_router(RouterOptions("prior", 6, 8))), nullptr);
  const auto ec =
      std::dynamic_pointer_cast<ExpertChoiceRouterImpl>(make_router(RouterOptions("expert_choice", 6, 8).k(3)));
  ASSERT_NE(ec, nullptr);
  EXPECT_EQ(ec->options.capacity_factor(), 3.0);  // defaults to k

  const auto topk = std::dynamic_pointer_cast<TopKRouterImpl>(make_router(RouterOptions("topk", 6, 16)
                                                                              .k(4)
                                                                              .scoring("sigmoid")
                                                                              .n_group(4)
                                                                              .topk_group(2)
                                                                              .group_score("max")
                                                                              .routed_scaling_factor(2.5)
                                                                              .capacity_factor(1.25)
                                                                              .drop_policy("position")
                                                                              .jitter_eps(0.01)
                                                                              .noisy_gating(true)));
  ASSERT_NE(topk, nullptr);
  const TopKSelectionOptions& s = topk->options.selection();
  EXPECT_EQ(s.k(), 4);
  EXPECT_EQ(s.scoring(), ScoreFunction::kSigmoid);
  EXPECT_EQ(s.n_group(), 4);
  EXPECT_EQ(s.topk_group(), 2);
  EXPECT_EQ(s.group_score(), GroupScore::kMax);
  EXPECT_EQ(s.routed_scaling_factor(), 2.5);
  EXPECT_EQ(s.capacity_factor(), 1.25);
  EXPECT_EQ(s.drop_policy(), DropPolicy::kPosition);
  EXPECT_EQ(topk->options.jitter_eps(), 0.01);
  EXPECT_TRUE(topk->options.noisy_gating());

  EXPECT_ERROR_NAMES(make_router(RouterOptions("switchy", 6, 8)), "router.kind");
  EXPECT_ERROR_NAMES(make_router(RouterOptions("topk", 6, 8).scoring("tanh")), "router.scoring");
  EXPECT_ERROR_NAMES(make_router(RouterOptions("topk", 6, 8).drop_policy("random")), "router.drop_policy");
  EXPECT_ERROR_NAMES(make_router(RouterOptions("topk", 6, 8).k(0)), "router.k");
}

}  // namespace
}  // namespace moezoo::core
