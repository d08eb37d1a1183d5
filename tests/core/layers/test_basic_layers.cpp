// Activation and norm factories, RMSNorm, MLP and DropPath against their formulas.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <cmath>

#include "core/layers/activation.h"
#include "core/layers/drop_path.h"
#include "core/layers/mlp.h"
#include "core/layers/norm.h"
#include "core/layers/rms_norm.h"
#include "core/util/error.h"
#include "tests/core/layers/layer_test_util.h"

using namespace moezoo;
using namespace moezoo::core;
using moezoo::testing::max_rel_diff;

namespace {

at::Tensor randn64(at::IntArrayRef shape) { return torch::randn(shape, torch::kFloat64); }

}  // namespace

TEST(Activation, EveryPlainNameMatchesItsFormula) {
  torch::manual_seed(0);
  const at::Tensor x = randn64({5, 7}) * 3;
  const double inv_sqrt2 = 1.0 / std::sqrt(2.0), c = std::sqrt(2.0 / std::acos(-1.0));
  const std::vector<std::pair<std::string, at::Tensor>> expected = {
      {"identity", x},
      {"relu", x.clamp_min(0)},
      {"gelu", 0.5 * x * (1 + torch::erf(x * inv_sqrt2))},
      {"gelu_tanh", 0.5 * x * (1 + torch::tanh(c * (x + 0.044715 * x.pow(3))))},
      {"silu", x / (1 + torch::exp(-x))},
      {"sigmoid", 1 / (1 + torch::exp(-x))},
      {"tanh", (torch::exp(2 * x) - 1) / (torch::exp(2 * x) + 1)},
  };
  for (const auto& [name, want] : expected) {
    auto act = make_activation(name);
    EXPECT_LT(max_rel_diff(act(x), want), 1e-12) << name;
    EXPECT_FALSE(is_gated_activation(name)) << name;
  }
}

TEST(Activation, GatedAndUnknownNames) {
  for (const char* name : {"swiglu", "geglu", "reglu"}) {
    EXPECT_TRUE(is_gated_activation(name));
    EXPECT_THROW(make_activation(name), moezoo::Error) << name << " is MLP-only";
  }
  EXPECT_EQ(activation_kind("swiglu"), ActivationKind::silu);
  try {
    make_activation("gelux");
    FAIL() << "unknown name accepted";
  } catch (const moezoo::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'gelux'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(activation_names().size(), 10u);
}

TEST(RMSNorm, MatchesTheFormulaForwardAndBackward) {
  torch::manual_seed(1);
  RMSNorm norm(RMSNormOptions(6).eps(1e-5));
  norm->to(torch::kFloat64);
  {
    torch::NoGradGuard g;
    norm->weight.uniform_(0.5, 1.5);
  }
  const at::Tensor x = randn64({3, 4, 6}).requires_grad_(true);
  const at::Tensor x_ref = x.detach().clone().requires_grad_(true);
  const at::Tensor w_ref = norm->weight.detach().clone().requires_grad_(true);
  const at::Tensor y = norm(x);
  const at::Tensor y_ref = x_ref / torch::sqrt(x_ref.pow(2).mean(-1, true) + 1e-5) * w_ref;
  EXPECT_LT(max_rel_diff(y, y_ref), 1e-12);
  moezoo::testing::weighted_sum(y).backward();
  moezoo::testing::weighted_sum(y_ref).backward();
  EXPECT_LT(max_rel_diff(x.grad(), x_ref.grad()), 1e-12);
  EXPECT_LT(max_rel_diff(norm->weight.grad(), w_ref.grad()), 1e-12);
  EXPECT_THROW(norm(randn64({3, 5})), moezoo::Error);
}

TEST(Norm, FactoryBuildsLayerNormAndRMSNorm) {
  torch::manual_seed(2);
  const at::Tensor x = torch::randn({4, 8});
  auto ln = make_norm(NormOptions("layernorm", 8).eps(1e-6));
  const at::Tensor mean = x.mean(-1, true), var = x.var(-1, /*unbiased=*/false, true);
  EXPECT_LT(max_rel_diff(ln.forward(x), (x - mean) / torch::sqrt(var + 1e-6)), 1e-5);
  EXPECT_EQ(ln.ptr()->named_parameters().size(), 2u);  // weight and bias

  auto rms = make_norm(NormOptions("rmsnorm", 8));
  EXPECT_LT(max_rel_diff(rms.forward(x), x / torch::sqrt(x.pow(2).mean(-1, true) + 1e-6)), 1e-5);
  EXPECT_EQ(rms.ptr()->named_parameters().size(), 1u);  // gain only

  EXPECT_EQ(make_norm(NormOptions("rmsnorm", 8).elementwise_affine(false)).ptr()->named_parameters().size(), 0u);
  EXPECT_THROW(make_norm(NormOptions("batchnorm", 8)), moezoo::Error);
  EXPECT_EQ(norm_names().size(), 2u);
}

TEST(MLP, ShapesFormulaGradientsAndNoAuxLoss) {
  torch::manual_seed(3);
  MLP mlp(MLPOptions(6).hidden(10).activation("gelu_tanh"));
  mlp->to(torch::kFloat64);
  const at::Tensor x = randn64({2, 5, 6});
  const at::Tensor want =
      torch::gelu(x.matmul(mlp->fc1->weight.t()) + mlp->fc1->bias, "tanh").matmul(mlp->fc2->weight.t()) +
      mlp->fc2->bias;
  AuxLosses aux;
  const at::Tensor y = mlp->forward(x, &aux);
  EXPECT_EQ(y.sizes(), x.sizes());
  EXPECT_LT(max_rel_diff(y, want), 1e-12);
  EXPECT_TRUE(aux.empty()) << "a dense MLP reports no auxiliary loss";
  moezoo::testing::weighted_sum(y).backward();
  moezoo::testing::expect_every_parameter_has_gradient(*mlp);

  // Used through the FeedForward interface.
  std::shared_ptr<FeedForward> ffn = mlp.ptr();
  EXPECT_TRUE(torch::equal(ffn->forward(x, nullptr), y.detach()));
}

TEST(MLP, SwiGLUAndOutputWidth) {
  torch::manual_seed(4);
  MLP mlp(MLPOptions(4).hidden(6).out_dim(3).activation("swiglu").bias(false));
  mlp->to(torch::kFloat64);
  EXPECT_EQ(mlp->fc1->weight.sizes(), (std::vector<int64_t>{12, 4}));  // [gate | value]
  EXPECT_EQ(mlp->fc2->weight.sizes(), (std::vector<int64_t>{3, 6}));
  const at::Tensor x = randn64({7, 4});
  const at::Tensor h = x.matmul(mlp->fc1->weight.t());
  const at::Tensor gate = h.narrow(1, 0, 6), value = h.narrow(1, 6, 6);
  const at::Tensor want = (gate * torch::sigmoid(gate) * value).matmul(mlp->fc2->weight.t());
  EXPECT_LT(max_rel_diff(mlp(x), want), 1e-12);
  EXPECT_THROW(MLP(MLPOptions(4).activation("nope")), moezoo::Error);
  EXPECT_THROW(mlp(randn64({7, 5})), moezoo::Error);
}

TEST(MLP, SeededConstructionIsDeterministic) {
  torch::manual_seed(5);
  MLP a(MLPOptions(8).dropout(0.2));
  torch::manual_seed(5);
  MLP b(MLPOptions(8).dropout(0.2));
  moezoo::testing::expect_same_parameters(*a, *b);
  const at::Tensor x = torch::randn({3, 8});
  torch::manual_seed(9);
  const at::Tensor ya = a(x);
  torch::manual_seed(9);
  const at::Tensor yb = b(x);
  EXPECT_TRUE(torch::equal(ya, yb)) << "dropout masks follow the seed";
  a->eval();
  EXPECT_TRUE(torch::equal(a(x), a(x))) << "no dropout in eval";
}

TEST(DropPath, IdentityInEvalAndForZeroProbability) {
  const at::Tensor x = torch::randn({16, 3, 4});
  DropPath dp(0.5);
  dp->eval();
  EXPECT_TRUE(torch::equal(dp(x), x));
  DropPath none(0.0);
  none->train();
  EXPECT_TRUE(torch::equal(none(x), x));
  EXPECT_TRUE(torch::equal(drop_path(x, 0.9, /*training=*/false), x));
  EXPECT_TRUE(drop_path(x, 1.0, true).eq(0).all().item<bool>()) << "p = 1 drops every sample";
  EXPECT_THROW(DropPath(1.5), moezoo::Error);
}

TEST(DropPath, PerSampleBernoulliScaledByKeep) {
  torch::manual_seed(6);
  const int64_t n = 20000;
  const double p = 0.3;
  const at::Tensor x = torch::ones({n, 2, 3}, torch::kFloat64);
  DropPath dp(p);
  dp->train();
  const at::Tensor y = dp(x);
  const at::Tensor per_sample = y.flatten(1);
  // One decision per sample: every element of a sample is 0, or every one is 1/keep.
  const at::Tensor dropped = per_sample.eq(0).all(1);
  const at::Tensor kept = per_sample.sub(1.0 / (1.0 - p)).abs().lt(1e-12).all(1);
  EXPECT_TRUE(dropped.logical_xor(kept).all().item<bool>());
  // Dropped fraction within 5 standard deviations of p.
  const double frac = dropped.to(torch::kFloat64).mean().item<double>();
  EXPECT_NEAR(frac, p, 5 * std::sqrt(p * (1 - p) / n));
  // 1/keep scaling keeps the expectation.
  EXPECT_NEAR(y.mean().item<double>(), 1.0, 5 * std::sqrt(p / (1 - p) / n));
  // Without scaling the kept samples are unchanged.
  const at::Tensor unscaled = drop_path(x, p, true, /*scale_by_keep=*/false).flatten(1);
  EXPECT_TRUE(unscaled.eq(0).all(1).logical_xor(unscaled.eq(1).all(1)).all().item<bool>());
  // Seeded determinism.
  torch::manual_seed(7);
  const at::Tensor a = dp(x);
  torch::manual_seed(7);
  EXPECT_TRUE(torch::equal(a, dp(x)));
}
