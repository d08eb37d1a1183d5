// Random pixel splits and given maps on a hand-made label map and on Indian Pines.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "datasets/hsi/pixel_splits.h"
#include "datasets/hsi/scene_registry.h"
#include "tests/datasets/hsi/hsi_test_util.h"

using namespace moezoo::datasets::hsi;
using moezoo::testing::label_counts;
using moezoo::testing::throws_error_with;

namespace {

/// [10, 10] map: class 1 has 50 pixels, class 2 has 30, class 3 has 5, 15 unlabeled.
torch::Tensor toy_labels() {
  auto flat = torch::zeros({100}, torch::kLong);
  flat.slice(0, 0, 50).fill_(1);
  flat.slice(0, 50, 80).fill_(2);
  flat.slice(0, 80, 85).fill_(3);
  return flat.view({10, 10});
}

std::vector<int64_t> counts_in(const PixelSplit& s, const torch::Tensor& mask, int64_t classes) {
  return label_counts(s.labels.masked_fill(~mask, 0), classes);
}

}  // namespace

TEST(StratifiedSplit, RoundsEachClassCumulatively) {
  const auto labels = toy_labels();
  const auto s = stratified_fraction_split(labels, 3, 0.2, 0.1, 0);
  validate(s, "toy");
  // class 1: round(10) = 10 train, round(15) - 10 = 5 val, 35 test; class 2: 6, 9 - 6 = 3, 21;
  // class 3: round(1) = 1, round(1.5) = 2 -> 1 val, 3 test.
  EXPECT_EQ(counts_in(s, s.train, 3), (std::vector<int64_t>{100 - 17, 10, 6, 1}));
  EXPECT_EQ(counts_in(s, s.val, 3), (std::vector<int64_t>{100 - 9, 5, 3, 1}));
  EXPECT_EQ(counts_in(s, s.test, 3), (std::vector<int64_t>{100 - 59, 35, 21, 3}));
  EXPECT_TRUE(torch::equal(s.train | s.val | s.test, labels > 0));  // every labelled pixel somewhere
  EXPECT_EQ(s.description, "stratified 0.2/0.1 seed 0");
}

TEST(StratifiedSplit, SeededAndEveryClassGetsATrainingPixel) {
  const auto labels = toy_labels();
  const auto a = stratified_fraction_split(labels, 3, 0.01, 0.0, 5);
  EXPECT_EQ(counts_in(a, a.train, 3)[3], 1);  // round(0.05) = 0, raised to 1
  const auto b = stratified_fraction_split(labels, 3, 0.01, 0.0, 5);
  EXPECT_TRUE(torch::equal(a.train, b.train));
  const auto c = stratified_fraction_split(labels, 3, 0.01, 0.0, 6);
  EXPECT_FALSE(torch::equal(a.train, c.train));
  EXPECT_TRUE(throws_error_with([&] { stratified_fraction_split(labels, 3, 0.7, 0.3, 0); },
                                {"train_fraction + val_fraction < 1"}));
  EXPECT_TRUE(throws_error_with([&] { stratified_fraction_split(labels, 2, 0.1, 0.1, 0); }, {"labels outside 0..2"}));
}

TEST(PerClassSplit, FixedCountsAndHalvesForSmallClasses) {
  const auto labels = toy_labels();
  const auto s = per_class_count_split(labels, 3, 20, 5, 1);
  validate(s, "toy");
  // class 1 (50): 20 / 5 / 25; class 2 (30): 15 = min(20, 30 / 2) / 5 / 10; class 3 (5): 2 / 1 / 2.
  EXPECT_EQ(counts_in(s, s.train, 3), (std::vector<int64_t>{100 - 37, 20, 15, 2}));
  EXPECT_EQ(counts_in(s, s.val, 3), (std::vector<int64_t>{100 - 11, 5, 5, 1}));
  EXPECT_EQ(counts_in(s, s.test, 3), (std::vector<int64_t>{100 - 37, 25, 10, 2}));
  EXPECT_TRUE(torch::equal(s.val, per_class_count_split(labels, 3, 20, 5, 1).val));
}

TEST(PerClassSplit, IndianPinesFiftyPerClass) {
  MOEZOO_REQUIRE_DATA(path, "hsi/gt/Indian_pines_gt.mat");
  const auto scene = load_scene_ground_truth("indian_pines", moezoo::testing::data_root());
  const auto s = per_class_count_split(scene.labels, 16, 50, 0, 0);
  validate(s, "indian_pines");
  // Classes of 46, 28, 20 and 93 pixels (1, 7, 9, 16) give half: 23, 14, 10, 46; the others 50.
  const std::vector<int64_t> expected_train = {21025 - 693, 23, 50, 50, 50, 50, 50, 14, 50,
                                               10,          50, 50, 50, 50, 50, 50, 46};
  EXPECT_EQ(counts_in(s, s.train, 16), expected_train);
  EXPECT_EQ((s.train | s.test).sum().item<int64_t>(), 10249);
}

TEST(GivenSplit, HoustonMapsBecomeMasksAndValidationComesFromTraining) {
  MOEZOO_REQUIRE_DATA(path, "hsi/gt/houston_gt.mat");
  const auto scene = load_scene_ground_truth("houston2013", moezoo::testing::data_root());
  const auto s = given_map_split(scene.given_train, scene.given_test, 15);
  validate(s, "houston");
  EXPECT_EQ(s.train.sum().item<int64_t>(), 2832);
  EXPECT_EQ(s.test.sum().item<int64_t>(), 12197);
  EXPECT_EQ(s.val.sum().item<int64_t>(), 0);
  EXPECT_TRUE(torch::equal(s.labels, scene.labels));
  const auto v = given_map_split(scene.given_train, scene.given_test, 15, 0.25, 3);
  validate(v, "houston");
  // Per class round(0.25 * n_c) of the training pixels: 50+48+48+47+47+46+49+48+48+48+45+48+46+45+47.
  EXPECT_EQ(v.val.sum().item<int64_t>(), 710);
  EXPECT_TRUE(torch::equal(v.train | v.val, s.train));
  EXPECT_EQ(v.description, "given maps, validation 0.25 of train seed 3");
}

TEST(GivenSplit, TrainingPixelsOutsideTheGroundTruthKeepTheirLabels) {
  MOEZOO_REQUIRE_DATA(path, "hsi/gt/TRpavia_fixed.mat");
  const auto scene = load_scene_ground_truth("pavia_university", moezoo::testing::data_root());
  const auto s = given_map_split(scene.given_train, scene.given_test, 9);
  validate(s, "pavia_university");
  EXPECT_EQ(s.train.sum().item<int64_t>(), 3921);
  EXPECT_EQ(s.test.sum().item<int64_t>(), 40002);
  EXPECT_TRUE(torch::equal(s.labels.masked_fill(~s.train, 0), scene.given_train));
  EXPECT_TRUE(throws_error_with([&] { given_map_split(scene.labels, scene.given_test, 9); },
                                {"40002 pixels are in both the train and the test map"}));
}

TEST(PixelIndices, AreRowMajorFlatIndices) {
  const auto mask = torch::tensor({false, true, false, false, false, true}).view({2, 3});
  EXPECT_TRUE(torch::equal(pixel_indices(mask), torch::tensor({1, 5}, torch::kLong)));
}
