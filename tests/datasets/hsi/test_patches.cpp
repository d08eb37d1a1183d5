// Patch extraction against a hand-built cube whose entries name their position.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "datasets/hsi/patches.h"
#include "tests/datasets/hsi/hsi_test_util.h"

using namespace moezoo::datasets::hsi;
using moezoo::testing::throws_error_with;

namespace {

/// [4, 5, 2]: value 100 * band + 10 * r + c, so every entry says where it came from.
torch::Tensor position_cube() {
  auto r = torch::arange(4).view({4, 1, 1}), c = torch::arange(5).view({1, 5, 1}), b = torch::arange(2).view({1, 1, 2});
  return (100 * b + 10 * r + c).to(torch::kFloat);
}

}  // namespace

TEST(ReflectPad, MirrorsWithoutRepeatingTheEdge) {
  const auto padded = reflect_pad(position_cube(), 2);  // [8, 9, 2]
  ASSERT_EQ(padded.sizes(), torch::IntArrayRef({8, 9, 2}));
  // Padded row 0 is original row 2 (reflect: -2 -> 2), column 0 is original column 2.
  EXPECT_EQ(padded[0][0][0].item<float>(), 22.f);
  EXPECT_EQ(padded[1][1][0].item<float>(), 11.f);   // (-1, -1) -> (1, 1)
  EXPECT_EQ(padded[2][2][1].item<float>(), 100.f);  // (0, 0) of band 1
  EXPECT_EQ(padded[7][8][0].item<float>(), 12.f);   // (5, 6) -> (1, 2): 2 (H - 1) - 5, 2 (W - 1) - 6
  EXPECT_TRUE(torch::equal(padded.slice(0, 2, 6).slice(1, 2, 7), position_cube()));
}

TEST(Patches, CentreBorderAndCornerPatchesByHand) {
  const auto cube = position_cube();
  // Pixels (1, 2) (inside), (0, 0) (corner) and (3, 4) (opposite corner): flat r * 5 + c.
  const auto patches = extract_patches(cube, torch::tensor({7, 0, 19}, torch::kLong), 3);
  ASSERT_EQ(patches.sizes(), torch::IntArrayRef({3, 2, 3, 3}));
  EXPECT_EQ(patches.scalar_type(), torch::kFloat);
  // Inside: rows 0..2, columns 1..3.
  EXPECT_TRUE(
      torch::equal(patches[0][0], torch::tensor({1.f, 2.f, 3.f, 11.f, 12.f, 13.f, 21.f, 22.f, 23.f}).view({3, 3})));
  EXPECT_TRUE(torch::equal(patches[0][1], patches[0][0] + 100));
  // Corner (0, 0): rows -1, 0, 1 -> 1, 0, 1 and the same for columns.
  EXPECT_TRUE(
      torch::equal(patches[1][0], torch::tensor({11.f, 10.f, 11.f, 1.f, 0.f, 1.f, 11.f, 10.f, 11.f}).view({3, 3})));
  // Corner (3, 4): rows 2, 3, 4 -> 2, 3, 2; columns 3, 4, 5 -> 3, 4, 3.
  EXPECT_TRUE(
      torch::equal(patches[2][0], torch::tensor({23.f, 24.f, 23.f, 33.f, 34.f, 33.f, 23.f, 24.f, 23.f}).view({3, 3})));
  // The centre of every patch is the pixel itself.
  EXPECT_TRUE(torch::equal(patches.select(3, 1).select(2, 1).select(1, 0), torch::tensor({12.f, 0.f, 34.f})));
}

TEST(Patches, SizeOneIsThePixelSpectrumAndExtractorMatchesTheFunction) {
  const auto cube = position_cube();
  const auto all = torch::arange(20, torch::kLong);
  const auto single = extract_patches(cube, all, 1);
  EXPECT_TRUE(torch::equal(single.view({20, 2}), cube.view({20, 2})));
  const PatchExtractor extractor(cube, 5);  // radius 2 < 4 rows
  EXPECT_TRUE(torch::equal(extractor(all.slice(0, 3, 9)), extract_patches(cube, all.slice(0, 3, 9), 5)));
  EXPECT_EQ(extractor(torch::empty({0}, torch::kLong)).sizes(), torch::IntArrayRef({0, 2, 5, 5}));
}

TEST(Patches, BadSizesAndPixelsAreErrors) {
  const auto cube = position_cube();
  EXPECT_TRUE(throws_error_with([&] { PatchExtractor(cube, 4); }, {"patch size must be odd"}));
  EXPECT_TRUE(throws_error_with([&] { PatchExtractor(cube, 9); }, {"reflect padding by 4", "4x5"}));
  EXPECT_TRUE(throws_error_with([&] { extract_patches(cube, torch::tensor({20}, torch::kLong), 3); },
                                {"pixel index outside the 4x5 image"}));
}
