// The baselines against hand-computed parameter counts (the published HybridSN count
// included), their size limits, and SSFTT's tokenizer.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/util/error.h"
#include "models/lgest/feature_tokenizer.h"
#include "models/lgest/hybridsn.h"
#include "models/lgest/ssftt.h"

using namespace moezoo;
using namespace moezoo::models::lgest;

namespace {

/// Roy et al.'s HybridSN: three 3D convs, one 2D conv, three dense layers.
int64_t hybridsn_parameters(int64_t bands, int64_t side, int64_t classes) {
  const int64_t conv1 = 8 * (1 * 7 * 3 * 3) + 8;
  const int64_t conv2 = 16 * (8 * 5 * 3 * 3) + 16;
  const int64_t conv3 = 32 * (16 * 3 * 3 * 3) + 32;
  const int64_t conv4 = 64 * (32 * (bands - 12) * 3 * 3) + 64;
  const int64_t fc1 = 64 * side * side * 256 + 256;
  const int64_t fc2 = 256 * 128 + 128;
  const int64_t fc3 = 128 * classes + classes;
  return conv1 + conv2 + conv3 + conv4 + fc1 + fc2 + fc3;
}

/// SSFTT with its defaults (8 and 64 conv channels, 4 tokens, width 64, one layer, MLP 8).
int64_t ssftt_parameters(int64_t bands, int64_t classes) {
  const int64_t conv3d = 8 * 27 + 8, bn3d = 2 * 8;
  const int64_t conv2d = 64 * (8 * (bands - 2) * 9) + 64, bn2d = 2 * 64;
  const int64_t tokenizer = 4 * 64 + 64 * 64;
  const int64_t pos = 5 * 64, cls = 64;
  const int64_t block = 2 * (2 * 64) + (64 * 3 * 64 + 3 * 64) + (64 * 64 + 64) + (64 * 8 + 8) + (8 * 64 + 64);
  const int64_t head = 64 * classes + classes;
  return conv3d + bn3d + conv2d + bn2d + tokenizer + pos + cls + block + head;
}

}  // namespace

TEST(HybridSN, ParameterCountMatchesThePaper) {
  // Indian Pines in the paper: 30 PCA bands, 25x25 windows, 16 classes.
  HybridSN ip(HybridSNOptions(30, 25, 16));
  EXPECT_EQ(count_parameters(ip), 5122176);
  EXPECT_EQ(hybridsn_parameters(30, 17, 16), 5122176);
  EXPECT_EQ(count_parameters(HybridSN(HybridSNOptions(30, 9, 16))), hybridsn_parameters(30, 1, 16));
  EXPECT_EQ(count_parameters(HybridSN(HybridSNOptions(15, 7, 9).same_padding(true))), hybridsn_parameters(15, 7, 9));
}

TEST(HybridSN, SamePaddingFitsSmallPatches) {
  HybridSN model(HybridSNOptions(13, 5, 3).same_padding(true));
  EXPECT_EQ(model.feature_side(), 5);
  EXPECT_EQ(model.forward(torch::randn({2, 13, 5, 5})).sizes(), (std::vector<int64_t>{2, 3}));
  EXPECT_THROW(HybridSN(HybridSNOptions(30, 7, 3)), moezoo::Error);   // valid convs need P >= 9
  EXPECT_THROW(HybridSN(HybridSNOptions(12, 9, 3)), moezoo::Error);   // C >= 13
}

TEST(SSFTT, ParameterCountMatchesTheFormula) {
  EXPECT_EQ(count_parameters(SSFTT(SSFTTOptions(30, 13, 16))), ssftt_parameters(30, 16));
  EXPECT_EQ(ssftt_parameters(30, 16), 153224);
  // The patch size does not change the count (the tokenizer pools over pixels).
  EXPECT_EQ(count_parameters(SSFTT(SSFTTOptions(20, 9, 5))), ssftt_parameters(20, 5));
  EXPECT_EQ(count_parameters(SSFTT(SSFTTOptions(20, 15, 5))), ssftt_parameters(20, 5));
  EXPECT_THROW(SSFTT(SSFTTOptions(30, 3, 4)), moezoo::Error);
  EXPECT_THROW(SSFTT(SSFTTOptions(2, 9, 4)), moezoo::Error);
}

TEST(FeatureTokenizer, TokensAreConvexCombinationsOfPixels) {
  torch::manual_seed(0);
  FeatureTokenizer tokenizer(FeatureTokenizerOptions(6, 4, 5));
  // All pixels alike: every token is that pixel's value projection.
  const auto pixel = torch::randn({2, 1, 6});
  const auto tokens = tokenizer(pixel.expand({2, 9, 6}).contiguous());
  ASSERT_EQ(tokens.sizes(), (std::vector<int64_t>{2, 4, 5}));
  const auto projected = torch::matmul(pixel, tokenizer->token_wV).expand({2, 4, 5});
  EXPECT_TRUE(torch::allclose(tokens, projected, 1e-5, 1e-6));
  // Otherwise each token lies within the pixels' range of values, per channel.
  const auto x = torch::randn({3, 9, 6});
  const auto v = torch::matmul(x, tokenizer->token_wV);
  const auto t = tokenizer(x);
  EXPECT_TRUE((t <= v.amax(1, true) + 1e-5).all().item<bool>());
  EXPECT_TRUE((t >= v.amin(1, true) - 1e-5).all().item<bool>());
}
