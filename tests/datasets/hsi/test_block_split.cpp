// Spatially disjoint block splits: whole blocks per set, and the margin guarantee
// checked two independent ways (patches cut around test pixels, and brute force).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>

#include "datasets/hsi/block_split.h"
#include "datasets/hsi/patches.h"
#include "datasets/hsi/scene_registry.h"
#include "tests/datasets/hsi/hsi_test_util.h"

using namespace moezoo::datasets::hsi;

namespace {

/// Number of different sets (train, val, test) that select pixels of each block: [blocks].
torch::Tensor sets_per_block(const PixelSplit& s, const torch::Tensor& ids) {
  const int64_t blocks = ids.max().item<int64_t>() + 1;
  torch::Tensor count = torch::zeros({blocks}, torch::kLong);
  for (const auto* mask : {&s.train, &s.val, &s.test}) {
    const auto selected = torch::bincount(ids.masked_select(*mask), {}, blocks) > 0;
    count += selected.to(torch::kLong);
  }
  return count;
}

/// Smallest Chebyshev distance between a pixel of `a` and a pixel of `b`, by brute force.
int64_t min_distance(const torch::Tensor& a, const torch::Tensor& b) {
  const auto pa = a.nonzero(), pb = b.nonzero();  // [n, 2]
  if (pa.size(0) == 0 || pb.size(0) == 0) return std::numeric_limits<int64_t>::max();
  const auto d = (pa.unsqueeze(1) - pb.unsqueeze(0)).abs().amax(2);
  return d.min().item<int64_t>();
}

}  // namespace

TEST(BlockIds, GridByHand) {
  const auto ids = block_ids(5, 7, 3);  // 2 block rows, 3 block columns
  EXPECT_EQ(ids[0][0].item<int64_t>(), 0);
  EXPECT_EQ(ids[2][5].item<int64_t>(), 1);
  EXPECT_EQ(ids[3][0].item<int64_t>(), 3);
  EXPECT_EQ(ids[4][6].item<int64_t>(), 5);
  EXPECT_EQ(ids.max().item<int64_t>(), 5);
}

TEST(BlockSplit, IndianPinesBlocksGoWholeToOneSet) {
  MOEZOO_REQUIRE_DATA(path, "hsi/gt/Indian_pines_gt.mat");
  const auto scene = load_scene_ground_truth("indian_pines", moezoo::testing::data_root());
  BlockSplitOptions o;
  o.block_size = 10;
  o.train_fraction = 0.3;
  o.val_fraction = 0.1;
  const auto s = disjoint_block_split(scene.labels, 16, o);
  validate(s, "indian_pines");
  EXPECT_TRUE((sets_per_block(s, block_ids(145, 145, 10)) <= 1).all().item<bool>());
  EXPECT_TRUE(torch::equal(s.train | s.val | s.test, scene.labels > 0));  // margin 0 keeps every labelled pixel
  // Targets met to about a block (at most 100 pixels): 30% and 10% of 10249.
  const double train = s.train.sum().item<double>(), val = s.val.sum().item<double>();
  EXPECT_NEAR(train, 0.3 * 10249, 400);
  EXPECT_NEAR(val, 0.1 * 10249, 300);
  EXPECT_TRUE(torch::equal(s.train, disjoint_block_split(scene.labels, 16, o).train));
  o.seed = 1;
  EXPECT_FALSE(torch::equal(s.train, disjoint_block_split(scene.labels, 16, o).train));
}

TEST(BlockSplit, MarginKeepsEveryTestPatchFreeOfTrainingPixels) {
  MOEZOO_REQUIRE_DATA(path, "hsi/gt/PaviaU_gt.mat");
  const auto scene = load_scene_ground_truth("pavia_university", moezoo::testing::data_root());
  BlockSplitOptions o;
  o.block_size = 20;
  o.train_fraction = 0.2;
  o.margin = 3;  // patch 7 x 7
  const auto s = disjoint_block_split(scene.labels, 9, o);
  validate(s, "pavia_university");
  ASSERT_GT(s.train.sum().item<int64_t>(), 1000);
  ASSERT_GT(s.test.sum().item<int64_t>(), 10000);
  // The 7x7 patch (reflect borders) of every test pixel, cut from the training mask, is empty.
  const auto train_cube = s.train.to(torch::kFloat).unsqueeze(2);  // [H, W, 1]
  const auto patches = extract_patches(train_cube, pixel_indices(s.test), 7);
  EXPECT_EQ(patches.sum().item<float>(), 0.f);
  // Without the margin some test patches do hold training pixels: the margin is doing the work.
  o.margin = 0;
  const auto loose = disjoint_block_split(scene.labels, 9, o);
  EXPECT_GT(
      extract_patches(loose.train.to(torch::kFloat).unsqueeze(2), pixel_indices(loose.test), 7).sum().item<float>(),
      0.f);
}

TEST(BlockSplit, BruteForceDistanceOnASmallMap) {
  // 40x40, four vertical class stripes, blocks of 8, margin 2.
  const auto labels = (torch::arange(40, torch::kLong).div(10, "floor") + 1).unsqueeze(0).expand({40, 40}).contiguous();
  BlockSplitOptions o;
  o.block_size = 8;
  o.train_fraction = 0.4;
  o.val_fraction = 0.2;
  o.margin = 2;
  const auto s = disjoint_block_split(labels, 4, o);
  validate(s, "stripes");
  ASSERT_GT(s.train.sum().item<int64_t>(), 0);
  ASSERT_GT(s.val.sum().item<int64_t>(), 0);
  ASSERT_GT(s.test.sum().item<int64_t>(), 0);
  EXPECT_GT(min_distance(s.train, s.test), 2);
  EXPECT_GT(min_distance(s.train, s.val), 2);
  EXPECT_GT(min_distance(s.val, s.test), 2);
  // Every class keeps training pixels.
  for (int64_t c = 1; c <= 4; ++c) EXPECT_GT((s.train & (labels == c)).sum().item<int64_t>(), 0) << "class " << c;
}

TEST(BlockSplit, BadOptionsAreErrors) {
  const auto labels = torch::ones({4, 4}, torch::kLong);
  BlockSplitOptions o;
  o.train_fraction = 0.0;
  EXPECT_TRUE(moezoo::testing::throws_error_with([&] { disjoint_block_split(labels, 1, o); },
                                                 {"block split", "train_fraction"}));
  o.train_fraction = 0.5;
  o.block_size = 0;
  EXPECT_TRUE(
      moezoo::testing::throws_error_with([&] { disjoint_block_split(labels, 1, o); }, {"block_size must be positive"}));
}
