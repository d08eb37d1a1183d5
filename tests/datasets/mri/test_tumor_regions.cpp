// Label conventions and the ET / TC / WT regions.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/util/error.h"
#include "datasets/mri/tumor_regions.h"
#include "tests/datasets/mri/mri_test_util.h"

using namespace moezoo::datasets::mri;
using moezoo::testing::throws_error_with;

TEST(TumorRegions, ConventionsMapToBrats2018) {
  const auto brats = torch::tensor({0, 1, 2, 4}, torch::kLong);
  EXPECT_TRUE(
      torch::equal(to_brats_labels(torch::tensor({0.0f, 1.0f, 2.0f, 4.0f}), LabelConvention::kBrats2018, "x"), brats));
  EXPECT_TRUE(torch::equal(to_brats_labels(torch::tensor({0, 1, 2, 3}), LabelConvention::kBrats2023, "x"), brats));
  EXPECT_TRUE(torch::equal(to_brats_labels(torch::tensor({0, 2, 1, 3}), LabelConvention::kNnunet, "x"), brats));
}

TEST(TumorRegions, OutOfSetValuesAreErrors) {
  EXPECT_TRUE(throws_error_with(
      [] {
        to_brats_labels(torch::tensor({0, 3}), LabelConvention::kBrats2018, "seg.nii.gz");
      },
      {"seg.nii.gz", "label value 3"}));
  EXPECT_TRUE(throws_error_with(
      [] {
        to_brats_labels(torch::tensor({0, 4}), LabelConvention::kBrats2023, "s");
      },
      {"label value 4"}));
  EXPECT_TRUE(throws_error_with([] { to_brats_labels(torch::tensor({-1}), LabelConvention::kNnunet, "s"); },
                                {"label value -1"}));
  EXPECT_TRUE(throws_error_with([] { to_brats_labels(torch::tensor({0.5f}), LabelConvention::kBrats2018, "s"); },
                                {"fractional"}));
}

TEST(TumorRegions, RegionsAreNested) {
  const auto labels = torch::tensor({0, 1, 2, 4}, torch::kLong).view({1, 1, 4});
  const auto regions = label_regions(labels);
  ASSERT_EQ(regions.sizes(), (std::vector<int64_t>{3, 1, 1, 4}));
  EXPECT_TRUE(torch::equal(regions[0].view(-1), torch::tensor({false, false, false, true})));  // ET
  EXPECT_TRUE(torch::equal(regions[1].view(-1), torch::tensor({false, true, false, true})));   // TC
  EXPECT_TRUE(torch::equal(regions[2].view(-1), torch::tensor({false, true, true, true})));    // WT
  EXPECT_TRUE(torch::equal(regions_to_labels(regions), labels));
  EXPECT_TRUE(torch::equal(regions_to_labels(regions.to(torch::kFloat) * 0.9), labels));
}
