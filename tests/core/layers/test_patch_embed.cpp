// Patch embedding against the explicit unfold + linear, and the patchify /
// unpatchify / token-grid reshapes.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/layers/patch_embed.h"
#include "core/util/error.h"
#include "tests/core/layers/layer_test_util.h"

using namespace moezoo;
using namespace moezoo::core;
using moezoo::testing::max_rel_diff;

TEST(PatchEmbed2d, EqualsUnfoldThenLinear) {
  torch::manual_seed(30);
  PatchEmbed2d embed(PatchEmbed2dOptions(3, 10, {2, 4}));
  embed->to(torch::kFloat64);
  const at::Tensor x = torch::randn({2, 3, 6, 8}, torch::kFloat64);
  const at::Tensor y = embed(x);
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 3 * 2, 10}));
  EXPECT_EQ(embed->grid({6, 8}), (std::vector<int64_t>{3, 2}));
  // unfold: [B, C * p_h * p_w, N] with patches in row-major grid order.
  const at::Tensor cols =
      torch::nn::functional::unfold(x, torch::nn::functional::UnfoldFuncOptions({2, 4}).stride({2, 4}));
  const at::Tensor w = embed->proj->weight.view({10, -1});
  const at::Tensor want = cols.transpose(1, 2).matmul(w.t()) + embed->proj->bias;
  EXPECT_LT(max_rel_diff(y, want), 1e-12);
  // patchify uses the same token layout.
  EXPECT_LT(max_rel_diff(patchify(x, {2, 4}), cols.transpose(1, 2)), 1e-15);

  moezoo::testing::weighted_sum(y).backward();
  moezoo::testing::expect_every_parameter_has_gradient(*embed);
  EXPECT_THROW(embed(torch::randn({2, 3, 7, 8}, torch::kFloat64)), moezoo::Error) << "7 is not divisible by 2";
  EXPECT_THROW(embed(torch::randn({2, 4, 6, 8}, torch::kFloat64)), moezoo::Error) << "wrong channel count";
}

TEST(PatchEmbed3d, EqualsExplicitPatchesThenLinear) {
  torch::manual_seed(31);
  PatchEmbed3d embed(PatchEmbed3dOptions(2, 6, {2, 2, 3}));
  embed->to(torch::kFloat64);
  const at::Tensor x = torch::randn({2, 2, 4, 6, 6}, torch::kFloat64);
  const at::Tensor y = embed(x);
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 2 * 3 * 2, 6}));
  EXPECT_EQ(embed->grid({4, 6, 6}), (std::vector<int64_t>{2, 3, 2}));
  // Token (i, j, k) is the dot product of the conv weight with block x[:, :, 2i:2i+2, 2j:2j+2, 3k:3k+3].
  const at::Tensor w = embed->proj->weight.view({6, -1});
  int64_t token = 0;
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t j = 0; j < 3; ++j) {
      for (int64_t k = 0; k < 2; ++k, ++token) {
        const at::Tensor block = x.narrow(2, 2 * i, 2).narrow(3, 2 * j, 2).narrow(4, 3 * k, 3).reshape({2, -1});
        const at::Tensor want = block.matmul(w.t()) + embed->proj->bias;
        EXPECT_LT(max_rel_diff(y.select(1, token), want), 1e-12) << "token " << token;
      }
    }
  }
  EXPECT_LT(max_rel_diff(y, patchify(x, {2, 2, 3}).matmul(w.t()) + embed->proj->bias), 1e-12);
  moezoo::testing::weighted_sum(y).backward();
  moezoo::testing::expect_every_parameter_has_gradient(*embed);
}

TEST(Patchify, UnpatchifyInvertsItIn2dAnd3d) {
  torch::manual_seed(32);
  const at::Tensor image = torch::randn({2, 3, 8, 12});
  const at::Tensor tokens = patchify(image, {4, 3});
  ASSERT_EQ(tokens.sizes(), (std::vector<int64_t>{2, 8, 36}));
  EXPECT_TRUE(torch::equal(unpatchify(tokens, {2, 4}, {4, 3}), image));

  const at::Tensor volume = torch::randn({1, 2, 4, 6, 8});
  const at::Tensor vt = patchify(volume, {2, 3, 4});
  ASSERT_EQ(vt.sizes(), (std::vector<int64_t>{1, 2 * 2 * 2, 2 * 24}));
  EXPECT_TRUE(torch::equal(unpatchify(vt, {2, 2, 2}, {2, 3, 4}), volume));
  EXPECT_THROW(unpatchify(vt, {2, 2, 3}, {2, 3, 4}), moezoo::Error) << "token count does not match the grid";
  EXPECT_THROW(patchify(volume, {2, 4, 4}), moezoo::Error) << "6 is not divisible by 4";
}

TEST(Patchify, TokensToGridAndBack) {
  torch::manual_seed(33);
  PatchEmbed3d embed(PatchEmbed3dOptions(1, 5, 2));
  const at::Tensor x = torch::randn({2, 1, 4, 6, 2});
  const at::Tensor tokens = embed(x);
  const auto grid = embed->grid({4, 6, 2});
  const at::Tensor fmap = tokens_to_grid(tokens, grid);
  // The grid view is the conv's own output.
  EXPECT_TRUE(torch::equal(fmap, embed->proj(x)));
  EXPECT_TRUE(torch::equal(grid_to_tokens(fmap), tokens));
}

TEST(PatchEmbed2d, SeededConstructionIsDeterministic) {
  torch::manual_seed(34);
  PatchEmbed2d a(PatchEmbed2dOptions(3, 8, 4));
  torch::manual_seed(34);
  PatchEmbed2d b(PatchEmbed2dOptions(3, 8, 4));
  moezoo::testing::expect_same_parameters(*a, *b);
  const at::Tensor x = torch::randn({1, 3, 8, 8});
  EXPECT_TRUE(torch::equal(a(x), b(x)));
  EXPECT_THROW(PatchEmbed2d(PatchEmbed2dOptions(3, 8, 0)), moezoo::Error);
}
