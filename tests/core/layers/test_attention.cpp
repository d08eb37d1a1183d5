// Attention through at::scaled_dot_product_attention against the explicit
// softmax(Q K^T / sqrt(d)) V, with and without masks, forward and gradients; the
// self-/cross-attention modules against a per-head computation from their weights.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <cmath>

#include "core/layers/attention.h"
#include "core/util/error.h"
#include "tests/core/layers/layer_test_util.h"

using namespace moezoo;
using namespace moezoo::core;
using moezoo::testing::max_rel_diff;

namespace {

constexpr double kTol = 1e-10;  // float64: SDPA vs the explicit formula differ only in summation order

// Runs attention() and attention_reference() on the same q, k, v and compares the
// outputs and the gradients of q, k, v (and of a float mask).
void compare_with_reference(const at::Tensor& q0, const at::Tensor& k0, const at::Tensor& v0,
                            const AttentionMasks& masks, const std::string& label) {
  const at::Tensor q = q0.clone().requires_grad_(true), k = k0.clone().requires_grad_(true),
                   v = v0.clone().requires_grad_(true);
  const at::Tensor qr = q0.clone().requires_grad_(true), kr = k0.clone().requires_grad_(true),
                   vr = v0.clone().requires_grad_(true);
  const at::Tensor y = attention(q, k, v, masks);
  const at::Tensor yr = attention_reference(qr, kr, vr, masks);
  ASSERT_EQ(y.sizes(), q0.sizes()) << label;
  ASSERT_TRUE(torch::isfinite(y).all().item<bool>()) << label;
  EXPECT_LT(max_rel_diff(y, yr), kTol) << label;
  moezoo::testing::weighted_sum(y).backward();
  moezoo::testing::weighted_sum(yr).backward();
  EXPECT_LT(max_rel_diff(q.grad(), qr.grad()), kTol) << label << " dq";
  EXPECT_LT(max_rel_diff(k.grad(), kr.grad()), kTol) << label << " dk";
  EXPECT_LT(max_rel_diff(v.grad(), vr.grad()), kTol) << label << " dv";
}

// Explicit multi-head attention from the module's projection matrices, head by head.
at::Tensor per_head_attention(const at::Tensor& q_all, const at::Tensor& k_all, const at::Tensor& v_all,
                              int64_t heads, const at::Tensor& keep /* bool [B, T, S] or undefined */) {
  const int64_t d = q_all.size(2), dh = d / heads;
  std::vector<at::Tensor> outs;
  for (int64_t h = 0; h < heads; ++h) {
    const at::Tensor q = q_all.narrow(2, h * dh, dh), k = k_all.narrow(2, h * dh, dh), v = v_all.narrow(2, h * dh, dh);
    at::Tensor s = q.bmm(k.transpose(1, 2)) / std::sqrt(static_cast<double>(dh));
    if (keep.defined()) s = s.masked_fill(keep.logical_not(), -INFINITY);
    const at::Tensor e = (s - std::get<0>(s.max(-1, true))).exp();
    outs.push_back((e / e.sum(-1, true)).bmm(v));
  }
  return torch::cat(outs, 2);
}

}  // namespace

TEST(Attention, SdpaMatchesExplicitSoftmaxWithoutMask) {
  torch::manual_seed(10);
  const auto opt = torch::kFloat64;
  compare_with_reference(torch::randn({2, 3, 5, 4}, opt), torch::randn({2, 3, 7, 4}, opt),
                         torch::randn({2, 3, 7, 4}, opt), {}, "no mask");
}

TEST(Attention, SdpaMatchesExplicitSoftmaxWithMasks) {
  torch::manual_seed(11);
  const auto opt = torch::kFloat64;
  const at::Tensor q = torch::randn({2, 2, 5, 4}, opt), k = torch::randn({2, 2, 6, 4}, opt),
                   v = torch::randn({2, 2, 6, 4}, opt);
  // Causal-style bool mask [T, S] (every query keeps key 0).
  const at::Tensor causal = torch::ones({5, 6}, torch::kBool).tril();
  compare_with_reference(q, k, v, {causal, {}}, "bool [T, S]");
  // Key padding: sample 0 has 4 valid keys, sample 1 has 6.
  const at::Tensor pad = torch::arange(6).unsqueeze(0).ge(torch::tensor({4, 6}).unsqueeze(1));
  compare_with_reference(q, k, v, {{}, pad}, "key padding");
  compare_with_reference(q, k, v, {causal, pad}, "bool mask and key padding");
  // Per-sample bool [B, T, S] and per-head [B, H, T, S].
  at::Tensor per_sample = torch::rand({2, 5, 6}).gt(0.4);
  per_sample.select(2, 0).fill_(true);
  compare_with_reference(q, k, v, {per_sample, {}}, "bool [B, T, S]");
  at::Tensor per_head = torch::rand({2, 2, 5, 6}).gt(0.4);
  per_head.select(3, 1).fill_(true);
  compare_with_reference(q, k, v, {per_head, pad}, "bool [B, H, T, S] and key padding");
  // Additive float mask (a relative-position-style bias) with key padding.
  compare_with_reference(q, k, v, {torch::randn({5, 6}, opt), pad}, "float [T, S] and key padding");
}

TEST(Attention, MasksReallyHideKeys) {
  torch::manual_seed(12);
  const at::Tensor q = torch::randn({1, 1, 3, 4}), k = torch::randn({1, 1, 5, 4}), v = torch::randn({1, 1, 5, 4});
  const at::Tensor pad = torch::tensor({false, false, true, true, true}).unsqueeze(0);
  const at::Tensor masked = attention(q, k, v, {{}, pad});
  const at::Tensor trimmed = attention(q, k.narrow(2, 0, 2), v.narrow(2, 0, 2));
  EXPECT_LT(max_rel_diff(masked, trimmed), 1e-5);
}

TEST(Attention, MaskShapeErrorsNameTheMask) {
  const at::Tensor q = torch::randn({2, 2, 5, 4}), k = torch::randn({2, 2, 6, 4});
  try {
    attention(q, k, k, {torch::ones({5, 5}, torch::kBool), {}});
    FAIL() << "bad attn_mask accepted";
  } catch (const moezoo::Error& e) {
    EXPECT_NE(std::string(e.what()).find("attn_mask"), std::string::npos) << e.what();
  }
  EXPECT_THROW(attention(q, k, k, {{}, torch::zeros({2, 5}, torch::kBool)}), moezoo::Error);
  EXPECT_THROW(attention(q, k, k, {{}, torch::zeros({2, 6})}), moezoo::Error) << "key padding must be bool";
  EXPECT_THROW(attention(q, k, k, {torch::ones({5, 6}, torch::kInt), {}}), moezoo::Error);
}

TEST(SelfAttention, MatchesPerHeadComputationAndGetsGradients) {
  torch::manual_seed(13);
  SelfAttention attn(AttentionOptions(12, 3));
  attn->to(torch::kFloat64);
  const at::Tensor x = torch::randn({2, 5, 12}, torch::kFloat64);
  const at::Tensor pad = torch::tensor({false, false, false, true, true, false, false, false, false, false})
                             .view({2, 5});
  const at::Tensor y = attn->forward(x, {{}, pad});
  ASSERT_EQ(y.sizes(), x.sizes());

  const at::Tensor w = attn->qkv->weight, b = attn->qkv->bias;
  const at::Tensor q = x.matmul(w.narrow(0, 0, 12).t()) + b.narrow(0, 0, 12);
  const at::Tensor k = x.matmul(w.narrow(0, 12, 12).t()) + b.narrow(0, 12, 12);
  const at::Tensor v = x.matmul(w.narrow(0, 24, 12).t()) + b.narrow(0, 24, 12);
  const at::Tensor keep = pad.logical_not().unsqueeze(1).expand({2, 5, 5});
  const at::Tensor want = per_head_attention(q, k, v, 3, keep).matmul(attn->proj->weight.t()) + attn->proj->bias;
  EXPECT_LT(max_rel_diff(y, want), kTol);

  moezoo::testing::weighted_sum(y).backward();
  moezoo::testing::expect_every_parameter_has_gradient(*attn);
  EXPECT_THROW(attn(torch::randn({2, 5, 8}, torch::kFloat64)), moezoo::Error);
  EXPECT_THROW(SelfAttention(AttentionOptions(10, 3)), moezoo::Error) << "dim not divisible by heads";
}

TEST(CrossAttention, QueriesFromXKeysFromContext) {
  torch::manual_seed(14);
  CrossAttention attn(AttentionOptions(8, 2).context_dim(6).qkv_bias(false));
  attn->to(torch::kFloat64);
  EXPECT_FALSE(attn->q->bias.defined());
  const at::Tensor x = torch::randn({2, 3, 8}, torch::kFloat64), ctx = torch::randn({2, 7, 6}, torch::kFloat64);
  const at::Tensor y = attn(x, ctx);
  ASSERT_EQ(y.sizes(), x.sizes());
  const at::Tensor q = x.matmul(attn->q->weight.t());
  const at::Tensor k = ctx.matmul(attn->kv->weight.narrow(0, 0, 8).t());
  const at::Tensor v = ctx.matmul(attn->kv->weight.narrow(0, 8, 8).t());
  const at::Tensor want = per_head_attention(q, k, v, 2, {}).matmul(attn->proj->weight.t()) + attn->proj->bias;
  EXPECT_LT(max_rel_diff(y, want), kTol);

  moezoo::testing::weighted_sum(y).backward();
  moezoo::testing::expect_every_parameter_has_gradient(*attn);
  EXPECT_THROW(attn(x, torch::randn({2, 7, 8}, torch::kFloat64)), moezoo::Error) << "wrong context width";
  EXPECT_THROW(attn(x, torch::randn({3, 7, 6}, torch::kFloat64)), moezoo::Error) << "wrong context batch";
}

TEST(SelfAttention, SeededDropoutIsDeterministic) {
  torch::manual_seed(15);
  SelfAttention a(AttentionOptions(8, 2).attn_dropout(0.3).proj_dropout(0.1));
  torch::manual_seed(15);
  SelfAttention b(AttentionOptions(8, 2).attn_dropout(0.3).proj_dropout(0.1));
  moezoo::testing::expect_same_parameters(*a, *b);
  const at::Tensor x = torch::randn({2, 6, 8});
  torch::manual_seed(16);
  const at::Tensor ya = a(x);
  torch::manual_seed(16);
  EXPECT_TRUE(torch::equal(ya, b(x)));
  a->eval();
  b->eval();
  const at::Tensor e = a(x);
  EXPECT_TRUE(torch::equal(e, b(x)));
  EXPECT_FALSE(torch::equal(e, ya)) << "dropout acts in training only";
}
