// The working grid of moezoo-m4fuse: label <-> class mapping, prepare/restore round
// trips at the native and at a coarser spacing, on the original geometry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "datasets/mri/case_layouts.h"
#include "datasets/mri/tumor_regions.h"
#include "pipelines/m4fuse/label_classes.h"
#include "pipelines/m4fuse/working_case.h"
#include "tests/pipelines/m4fuse/m4fuse_test_util.h"

using namespace moezoo;
using namespace moezoo::pipelines::m4fuse;
using ::testing::HasSubstr;

TEST(M4FuseLabels, RoundTripAndRejectsOtherLabels) {
  const at::Tensor labels = torch::tensor({0, 1, 2, 4, 4, 0}, torch::kLong).view({1, 2, 3});
  const at::Tensor classes = labels_to_classes(labels.to(torch::kUInt8), "case");
  EXPECT_TRUE(torch::equal(classes, torch::tensor({0, 1, 2, 3, 3, 0}, torch::kLong).view({1, 2, 3})));
  EXPECT_TRUE(torch::equal(classes_to_labels(classes), labels));
  EXPECT_EQ(std::string(class_name(3)), "ET");
  EXPECT_THAT(moezoo::testing::error_of([] {
                labels_to_classes(torch::tensor({0, 3}), "case-7 label");
              }),
              HasSubstr("case-7 label: label 3 is not a BraTS 2018-2021 label"));
}

/// One-hot [4, d, h, w] of class map [d, h, w].
static at::Tensor class_one_hot(const at::Tensor& classes) {
  return torch::one_hot(classes, kNumClasses).permute({3, 0, 1, 2}).to(torch::kFloat32);
}

TEST(M4FuseWorkingCase, RestoresExactlyAtTheNativeSpacing) {
  const auto c = moezoo::testing::phantom_case(3);
  const auto w = prepare_case(c, {1.0, 2});
  ASSERT_TRUE(w.classes.defined());
  EXPECT_EQ(w.image.size(0), 4);
  EXPECT_LE(w.image.size(1), c.image.size(1));
  // z-scored inside the brain: mean ~0, std ~1 per modality, 0 outside.
  const at::Tensor brain = w.image.ne(0).any(0);
  EXPECT_NEAR(w.image[3].masked_select(brain).mean().item<double>(), 0.0, 1e-3);
  EXPECT_NEAR(w.image[3].masked_select(brain).std().item<double>(), 1.0, 1e-2);
  const at::Tensor restored = restore_labels(w, class_one_hot(w.classes));
  EXPECT_EQ(restored.sizes(), c.label.sizes());
  EXPECT_TRUE(torch::equal(restored, c.label));
  EXPECT_EQ(w.geometry.size, c.geometry.size);
  EXPECT_EQ(w.geometry.origin, c.geometry.origin);
}

/// Dice of the regions ET, TC, WT of two BraTS label maps.
static std::array<double, 3> label_dice(const at::Tensor& a_labels, const at::Tensor& b_labels) {
  const at::Tensor a = datasets::mri::label_regions(a_labels), b = datasets::mri::label_regions(b_labels);
  std::array<double, 3> out{};
  for (int r = 0; r < 3; ++r)
    out[r] = 2.0 * (a[r] & b[r]).sum().item<double>() / std::max(1.0, (a[r].sum() + b[r].sum()).item<double>());
  return out;
}

// The synthetic tumours are small (cores of 6-14 mm radius) with a thin enhancing rim: a
// 2 mm grid cannot hold that rim, which bounds the ET Dice any 2 mm model can reach (0.85
// here with nnU-Net's per-label resampling, 0.79 with nearest-neighbour labels), while the
// whole tumour survives well.
TEST(M4FuseWorkingCase, RestoresCloselyFromTwoMillimetres) {
  const auto c = moezoo::testing::phantom_case(5);
  const auto w = prepare_case(c, {2.0, 4});
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(w.working_geometry.spacing[a], 2.0, 0.1);
  const at::Tensor restored = restore_labels(w, class_one_hot(w.classes));
  ASSERT_EQ(restored.sizes(), c.label.sizes());
  const auto dice = label_dice(restored, c.label);
  EXPECT_GT(dice[0], 0.8);   // ET (0.851 measured)
  EXPECT_GT(dice[1], 0.9);   // TC (0.934)
  EXPECT_GT(dice[2], 0.95);  // WT (0.962)
}

// A real glioma (TCGA-DU-7294, 1 mm, labelled by the majority vote of five algorithms):
// through the 2 mm grid (per-label resampling) and back, the whole tumour and the core keep
// Dice > 0.95 (0.954 and 0.951 measured; 0.947 for the core with nearest-neighbour labels),
// on the case's grid.
TEST(M4FuseWorkingCase, RealCaseSurvivesTwoMillimetres) {
  MOEZOO_REQUIRE_DATA(dir, "mri/TCGA-DU-7294");
  const auto c = datasets::mri::read_case(datasets::mri::case_files(dir, datasets::mri::CaseLayout::kTcga));
  const auto w = prepare_case(c, {2.0, 4});
  const at::Tensor restored = restore_labels(w, class_one_hot(w.classes));
  ASSERT_EQ(restored.sizes(), c.label.sizes());
  EXPECT_EQ(w.geometry.size, c.geometry.size);
  const auto dice = label_dice(restored, c.label);
  EXPECT_GT(dice[1], 0.95);  // TC (this reference has no ET; 0.951 measured)
  EXPECT_GT(dice[2], 0.95);  // WT
}

TEST(M4FuseWorkingCase, EmptyImageIsAnErrorNamingTheCase) {
  datasets::mri::MriCase c;
  c.id = "blank-case";
  c.image = torch::zeros({4, 8, 8, 8});
  c.geometry.size = {8, 8, 8};
  EXPECT_THAT(moezoo::testing::error_of([&] { prepare_case(c, {}); }), HasSubstr("blank-case"));
}
