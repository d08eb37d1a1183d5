// The MoE layer against the naive masked loop (tests/core/moe/naive_moe.h):
// every expert kind, top-k k = 1, 2 with softmax and sigmoid, capacity drops,
// expert-choice, dense, fixed, prior-guided routing, shared experts on/off and
// heterogeneous experts; forward and the gradient of the input and of every
// parameter, in float32 (relative error < 1e-5) and float64 (< 1e-12), on
// [B, S, D] inputs with an expert that gets no tokens and one that gets many.

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

#include "core/moe/moe_layer.h"
#include "core/util/error.h"
#include "tests/core/moe/compare.h"
#include "tests/core/moe/naive_moe.h"

namespace moezoo::core {
namespace {

using testing::bitwise_equal;
using testing::expect_same_function;
using testing::tolerance;

constexpr int64_t kB = 2, kS = 9, kD = 8, kH = 12, kE = 6;

struct LayerCase {
  std::string name;
  std::string router = "topk";
  int64_t k = 2;
  std::string scoring = "softmax";
  ExpertKind kind = ExpertKind::kGeluMlp;
  int64_t shared = 0;
  double capacity_factor = 0.0;
  std::string drop_policy = "probability";
  bool heterogeneous = false;
  std::string dispatch = "auto";
  std::string grouped_mm = "auto";
};

std::ostream& operator<<(std::ostream& os, const LayerCase& c) { return os << c.name; }

/// x -> fc2(tanh(fc1(x))), an expert with its own structure and width.
struct TanhExpertImpl : torch::nn::Cloneable<TanhExpertImpl> {
  TanhExpertImpl(int64_t d, int64_t h) : d(d), h(h) { reset(); }
  void reset() override {
    fc1 = register_module("fc1", torch::nn::Linear(d, h));
    fc2 = register_module("fc2", torch::nn::Linear(h, d));
  }
  at::Tensor forward(const at::Tensor& x) { return fc2(torch::tanh(fc1(x))); }
  int64_t d, h;
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(TanhExpert);

MoELayerOptions options_for(const LayerCase& c) {
  MoELayerOptions o(kD, kH, kE);
  o.expert_kind(c.kind).num_shared_experts(c.shared).shared_hidden(c.shared ? 5 : 0);
  o.router(RouterOptions(c.router, kD, kE)
               .k(c.k)
               .scoring(c.scoring)
               // k = 1 with renormalisation makes every weight 1 and the gate gradient
               // zero up to rounding, which no relative bound can compare.
               .normalize_weights(c.k > 1)
               .capacity_factor(c.capacity_factor)
               .drop_policy(c.drop_policy)
               .gate_bias(c.router != "fixed"));
  o.balancer(BalancerOptions().switch_coef(c.router == "fixed" ? 0.0 : 1e-2).z_coef(1e-3));
  o.dispatch(parse_dispatch_backend(c.dispatch)).grouped_mm(parse_grouped_mm_backend(c.grouped_mm));
  if (c.heterogeneous) {
    o.expert_factory([](int64_t e) -> torch::nn::AnyModule {
      if (e % 2 == 0) return torch::nn::AnyModule(torch::nn::Linear(kD, kD));
      return torch::nn::AnyModule(TanhExpert(kD, 3 + e));
    });
  }
  return o;
}

/// Makes the last expert unattractive (no tokens) and expert 0 attractive (many).
void skew_router(MoELayerImpl& layer) {
  torch::NoGradGuard no_grad;
  for (auto& p : layer.router()->named_parameters()) {
    if (p.key() != "gate.bias") continue;
    p.value().zero_();
    p.value()[kE - 1] = -30.0;
    p.value()[0] = 1.5;
  }
}

RouteContext context_for(const LayerCase& c, at::ScalarType dtype) {
  RouteContext ctx;
  const int64_t T = kB * kS;
  if (c.router == "fixed") ctx.ids = torch::arange(T, torch::kLong).remainder(kE - 1);  // expert kE-1 unused
  if (c.router == "prior") ctx.prior = torch::randn({T, kE}, torch::TensorOptions().dtype(dtype));
  return ctx;
}

class MoELayerVsNaive : public ::testing::TestWithParam<std::tuple<LayerCase, at::ScalarType>> {};

TEST_P(MoELayerVsNaive, ForwardAndAllGradientsMatch) {
  const auto [c, dtype] = GetParam();
  torch::manual_seed(11);
  MoELayer layer(options_for(c));
  layer->to(dtype);
  skew_router(*layer);
  const RouteContext ctx = context_for(c, dtype);
  const at::Tensor x = torch::randn({kB, kS, kD}, torch::TensorOptions().dtype(dtype)).requires_grad_(true);

  std::vector<at::Tensor> leaves{x};
  std::vector<std::string> names{"x"};
  for (const auto& p : layer->named_parameters()) {
    leaves.push_back(p.value());
    names.push_back(p.key());
  }
  expect_same_function([&] { return layer->forward(x, ctx, nullptr); },
                       [&] { return testing::naive_moe_layer(*layer, x, ctx); }, leaves, names, tolerance(dtype));

  // The routing really exercised empty and uneven experts (and drops where configured).
  const Routing& r = layer->last_routing();
  const at::Tensor load = r.expert_indices.masked_select(r.keep_mask).bincount({}, kE);
  if (c.router != "dense" && c.router != "expert_choice") {
    EXPECT_EQ(load[kE - 1].item<int64_t>(), 0) << "expected an empty expert";
  }
  if (c.capacity_factor > 0) {
    EXPECT_FALSE(r.keep_mask.all().item<bool>()) << "expected dropped assignments";
  }
}

std::vector<LayerCase> layer_cases() {
  std::vector<LayerCase> cases;
  for (ExpertKind kind : {ExpertKind::kGeluMlp, ExpertKind::kSwiGlu, ExpertKind::kLowRank})
    for (int64_t k : {1, 2})
      for (const char* scoring : {"softmax", "sigmoid"}) {
        LayerCase c;
        c.name = to_string(kind) + "_k" + std::to_string(k) + "_" + scoring;
        c.kind = kind;
        c.k = k;
        c.scoring = scoring;
        c.shared = k == 2 ? 2 : 0;  // shared experts on for k = 2, off for k = 1
        if (c.shared) c.name += "_shared";
        cases.push_back(c);
      }
  LayerCase drop_p;
  drop_p.name = "capacity_probability";
  drop_p.capacity_factor = 0.6;
  cases.push_back(drop_p);
  LayerCase drop_pos = drop_p;
  drop_pos.name = "capacity_position_swiglu_k1";
  drop_pos.drop_policy = "position";
  drop_pos.kind = ExpertKind::kSwiGlu;
  drop_pos.k = 1;
  cases.push_back(drop_pos);
  LayerCase ec;
  ec.name = "expert_choice";
  ec.router = "expert_choice";
  cases.push_back(ec);
  LayerCase dense;
  dense.name = "dense_shared";
  dense.router = "dense";
  dense.shared = 1;
  cases.push_back(dense);
  LayerCase fixed;
  fixed.name = "fixed";
  fixed.router = "fixed";
  fixed.k = 1;
  cases.push_back(fixed);
  LayerCase prior;
  prior.name = "prior";
  prior.router = "prior";
  cases.push_back(prior);
  LayerCase hetero;
  hetero.name = "heterogeneous_shared";
  hetero.heterogeneous = true;
  hetero.shared = 1;
  cases.push_back(hetero);
  for (const char* gmm : {"loop", "aten", "reference"}) {
    LayerCase b;
    b.name = std::string("grouped_mm_") + gmm;
    b.grouped_mm = gmm;
    cases.push_back(b);
  }
  LayerCase aten;
  aten.name = "dispatch_aten_drop";
  aten.dispatch = "aten";
  aten.capacity_factor = 0.6;
  cases.push_back(aten);
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Variants, MoELayerVsNaive,
                         ::testing::Combine(::testing::ValuesIn(layer_cases()),
                                            ::testing::Values(at::kFloat, at::kDouble)),
                         [](const auto& info) {
                           return std::get<0>(info.param).name +
                                  (std::get<1>(info.param) == at::kDouble ? "_f64" : "_f32");
                         });

TEST(MoELayer, MatchesNaiveOnTwoThreads) {
  const testing::ThreadCount two(2);
  LayerCase c;
  c.shared = 1;
  torch::manual_seed(13);
  MoELayer layer(options_for(c));
  skew_router(*layer);
  const at::Tensor x = torch::randn({4, 80, kD}).requires_grad_(true);
  std::vector<at::Tensor> leaves{x};
  for (const auto& p : layer->parameters()) leaves.push_back(p);
  expect_same_function([&] { return layer->forward(x, nullptr); }, [&] { return testing::naive_moe_layer(*layer, x); },
                       leaves, {}, 1e-5);
}

TEST(MoELayer, BitwiseReproducibleWithOneSeed) {
  auto run = [] {
    torch::manual_seed(21);
    LayerCase c;
    c.shared = 1;
    MoELayer layer(options_for(c));
    const at::Tensor x = torch::randn({3, 40, kD}).requires_grad_(true);
    AuxLosses aux;
    const at::Tensor out = layer->forward(x, &aux);
    (out.pow(2).sum() + aux.total()).backward();
    std::vector<at::Tensor> result{out.detach(), x.grad()};
    for (const auto& p : layer->parameters()) result.push_back(p.grad());
    return result;
  };
  const auto a = run(), b = run();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(bitwise_equal(a[i], b[i])) << i;
}

TEST(MoELayer, BatchShapeMatchesFlatTokensAndAuxLossesAreReported) {
  torch::manual_seed(5);
  LayerCase c;
  MoELayer layer(options_for(c));
  const at::Tensor x = torch::randn({kB, kS, kD});
  AuxLosses aux;
  const at::Tensor out = layer->forward(x, &aux);
  EXPECT_EQ(out.sizes(), x.sizes());
  EXPECT_TRUE(torch::equal(out.reshape({-1, kD}), layer->forward(x.reshape({-1, kD}), nullptr)));
  ASSERT_TRUE(aux.terms.count("switch"));
  ASSERT_TRUE(aux.terms.count("z"));
  const Routing r = layer->router()->route(x.reshape({-1, kD}));
  const AuxLosses expected = balancing_losses(r, layer->options().balancer());
  EXPECT_TRUE(torch::allclose(aux.terms.at("switch"), expected.terms.at("switch")));
  EXPECT_TRUE(torch::allclose(aux.terms.at("z"), expected.terms.at("z")));
  // The auxiliary losses reach the router.
  aux.total().backward();
  const auto params = layer->router()->named_parameters();
  EXPECT_GT(params["gate.weight"].grad().abs().sum().item<double>(), 0.0);
}

TEST(MoELayer, StatsAndExpertBiasUpdateInTraining) {
  torch::manual_seed(6);
  LayerCase c;
  MoELayerOptions o = options_for(c);
  o.balancer().bias_update_rate(1e-2);
  MoELayer layer(o);
  skew_router(*layer);
  layer->forward(torch::randn({kB, kS, kD}), nullptr);
  EXPECT_EQ(layer->stats().step_metrics().at("tokens"), static_cast<double>(kB * kS));
  EXPECT_EQ(layer->stats().step_load()[kE - 1], 0.0);
  const at::Tensor bias = layer->router()->named_buffers()["expert_bias"];
  EXPECT_EQ(bias.abs().sum().item<double>(), 0.0);
  step_expert_bias(*layer);
  // Overloaded expert 0 is pushed down, the empty last expert up.
  EXPECT_LT(bias[0].item<double>(), 0.0);
  EXPECT_GT(bias[kE - 1].item<double>(), 0.0);
  // Evaluation mode observes nothing.
  layer->eval();
  layer->stats().reset_epoch();
  layer->forward(torch::randn({kB, kS, kD}), nullptr);
  EXPECT_EQ(layer->stats().step_metrics().at("tokens"), 0.0);
}

TEST(MoELayer, BadInputsAndOptionsNameTheProblem) {
  LayerCase c;
  MoELayer layer(options_for(c));
  EXPECT_THROW(layer->forward(torch::randn({4, kD + 1}), nullptr), moezoo::Error);
  MoELayerOptions wrong_dim = options_for(c);
  wrong_dim.router().dim(kD + 1);
  EXPECT_THROW(MoELayer{wrong_dim}, moezoo::Error);
  LayerCase dense;
  dense.router = "dense";
  MoELayerOptions no_bias = options_for(dense);
  no_bias.balancer().bias_update_rate(1e-3);
  try {
    MoELayer{no_bias};
    FAIL() << "expected moezoo::Error";
  } catch (const moezoo::Error& e) {
    EXPECT_NE(std::string(e.what()).find("bias_update_rate"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace moezoo::core
