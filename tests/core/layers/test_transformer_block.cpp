// The pre-norm transformer block: its equations against the sub-modules, the FFN
// slot holding an MLP (no aux loss) or any FeedForward that reports aux losses,
// cross-attention, stochastic depth, gradients and seeded determinism.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/layers/mlp.h"
#include "core/layers/transformer_block.h"
#include "core/util/error.h"
#include "tests/core/layers/layer_test_util.h"

using namespace moezoo;
using namespace moezoo::core;
using moezoo::testing::max_rel_diff;

namespace {

// A FeedForward that reports a known auxiliary term, standing in for an MoE layer.
class ScaledFeedForward : public FeedForward {
 public:
  explicit ScaledFeedForward(int64_t dim) { scale = register_parameter("scale", torch::full({dim}, 0.5)); }
  at::Tensor forward(const at::Tensor& x, AuxLosses* aux) override {
    if (aux) aux->add("fake_balance", scale.sum() * 0.1);  // 0.1 * 0.5 * dim at init
    return x * scale;
  }
  at::Tensor scale;
};

}  // namespace

TEST(TransformerBlock, PreNormEquationsWithDefaultMLP) {
  torch::manual_seed(20);
  TransformerBlock block(TransformerBlockOptions(8, 2).mlp_ratio(2.0));
  block->to(torch::kFloat64);
  auto mlp = std::dynamic_pointer_cast<MLPImpl>(block->ffn);
  ASSERT_TRUE(mlp) << "the default FFN is an MLP";
  EXPECT_EQ(mlp->hidden(), 16);
  const at::Tensor x = torch::randn({2, 5, 8}, torch::kFloat64);
  AuxLosses aux;
  const at::Tensor y = block(x, &aux);
  ASSERT_EQ(y.sizes(), x.sizes());
  EXPECT_TRUE(aux.empty()) << "an MLP reports no auxiliary loss";

  const at::Tensor h = x + block->attn(block->norm1.forward(x));
  const at::Tensor want = h + mlp->forward(block->norm2.forward(h));
  EXPECT_LT(max_rel_diff(y, want), 1e-12);

  moezoo::testing::weighted_sum(y).backward();
  moezoo::testing::expect_every_parameter_has_gradient(*block);
}

TEST(TransformerBlock, CollectsTheFeedForwardAuxLosses) {
  torch::manual_seed(21);
  auto ffn = std::make_shared<ScaledFeedForward>(8);
  TransformerBlock block(TransformerBlockOptions(8, 2).norm("rmsnorm"), ffn);
  EXPECT_EQ(block->ffn.get(), ffn.get());
  EXPECT_TRUE(block->named_parameters().contains("ffn.scale"));
  const at::Tensor x = torch::randn({2, 4, 8});

  AuxLosses aux;
  aux.add("earlier_layer", torch::tensor(1.0));
  const at::Tensor y = block(x, &aux);
  ASSERT_EQ(aux.terms.count("fake_balance"), 1u);
  EXPECT_NEAR(aux.terms.at("fake_balance").item<double>(), 0.1 * 0.5 * 8, 1e-6);
  EXPECT_NEAR(aux.total().item<double>(), 1.0 + 0.4, 1e-6) << "earlier terms are kept";

  const at::Tensor h = x + block->attn(block->norm1.forward(x));
  EXPECT_LT(max_rel_diff(y, h + block->norm2.forward(h) * ffn->scale), 1e-5);

  // The aux loss's gradient reaches the FFN through the block: d(0.1 * sum(scale)) / d scale = 0.1.
  aux.total().backward();
  EXPECT_LT(max_rel_diff(ffn->scale.grad(), torch::full({8}, 0.1)), 1e-6);

  // Without an AuxLosses record the block still runs.
  EXPECT_TRUE(torch::equal(block(x), y));
}

TEST(TransformerBlock, CrossAttentionSubLayer) {
  torch::manual_seed(22);
  TransformerBlock block(TransformerBlockOptions(8, 2).cross_attention(true).context_dim(6));
  block->to(torch::kFloat64);
  const at::Tensor x = torch::randn({2, 5, 8}, torch::kFloat64), ctx = torch::randn({2, 3, 6}, torch::kFloat64);
  const at::Tensor pad = torch::tensor({false, false, true, false, false, false}).view({2, 3});
  AuxLosses aux;
  const at::Tensor y = block->forward(x, &aux, ctx, {}, {{}, pad});
  ASSERT_EQ(y.sizes(), x.sizes());
  at::Tensor h = x + block->attn(block->norm1.forward(x));
  h = h + block->cross_attn->forward(block->norm_cross.forward(h), ctx, {{}, pad});
  const at::Tensor want = h + block->ffn->forward(block->norm2.forward(h), nullptr);
  EXPECT_LT(max_rel_diff(y, want), 1e-12);
  // The context matters, and the padded context token does not.
  EXPECT_GT(max_rel_diff(block(x, nullptr, ctx + 1.0), y), 1e-3);
  at::Tensor ctx2 = ctx.clone();
  ctx2[0][2] += 5.0;
  EXPECT_LT(max_rel_diff(block->forward(x, nullptr, ctx2, {}, {{}, pad}), y), 1e-12);

  moezoo::testing::weighted_sum(y).backward();
  moezoo::testing::expect_every_parameter_has_gradient(*block);
  EXPECT_THROW(block(x), moezoo::Error) << "context is required";
  TransformerBlock plain(TransformerBlockOptions(8, 2));
  EXPECT_THROW(plain(x.to(torch::kFloat32), nullptr, ctx.to(torch::kFloat32)), moezoo::Error);
}

TEST(TransformerBlock, DropPathDropsWholeBranchesPerSampleInTraining) {
  torch::manual_seed(23);
  TransformerBlock block(TransformerBlockOptions(8, 2).drop_path(1.0));
  const at::Tensor x = torch::randn({3, 4, 8});
  block->train();
  EXPECT_TRUE(torch::equal(block(x), x)) << "p = 1 drops every residual branch";
  block->eval();
  EXPECT_FALSE(torch::equal(block(x), x)) << "identity DropPath in eval";

  TransformerBlock half(TransformerBlockOptions(8, 2).drop_path(0.5).dropout(0.1));
  half->train();
  torch::manual_seed(24);
  const at::Tensor a = half(x);
  torch::manual_seed(24);
  EXPECT_TRUE(torch::equal(a, half(x))) << "seeded stochastic depth and dropout";
}

TEST(TransformerBlock, SeededConstructionIsDeterministic) {
  torch::manual_seed(25);
  TransformerBlock a(TransformerBlockOptions(8, 2).activation("swiglu").norm("rmsnorm").cross_attention(true));
  torch::manual_seed(25);
  TransformerBlock b(TransformerBlockOptions(8, 2).activation("swiglu").norm("rmsnorm").cross_attention(true));
  moezoo::testing::expect_same_parameters(*a, *b);
  const at::Tensor x = torch::randn({2, 3, 8}), ctx = torch::randn({2, 4, 8});
  EXPECT_TRUE(torch::equal(a(x, nullptr, ctx), b(x, nullptr, ctx)));
  EXPECT_THROW(TransformerBlock(TransformerBlockOptions(8, 2).norm("groupnorm")), moezoo::Error);
}
