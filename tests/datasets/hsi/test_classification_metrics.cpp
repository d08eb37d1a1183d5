// OA, AA, kappa and per-class accuracy against confusion matrices worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "datasets/hsi/classification_metrics.h"
#include "tests/datasets/hsi/hsi_test_util.h"

using namespace moezoo::datasets::hsi;
using moezoo::testing::throws_error_with;

namespace {

/// Fills m with counts[reference][predicted].
void fill(ConfusionMatrix& m, const std::vector<std::vector<int64_t>>& counts) {
  for (size_t i = 0; i < counts.size(); ++i)
    for (size_t j = 0; j < counts[i].size(); ++j)
      for (int64_t k = 0; k < counts[i][j]; ++k) m.add(static_cast<int64_t>(i), static_cast<int64_t>(j));
}

}  // namespace

TEST(ClassificationMetrics, ThreeClassMatrixByHand) {
  // reference \ predicted   0  1  2     row sums 6, 6, 4; column sums 7, 4, 5; N = 16
  //                    0    5  1  0
  //                    1    2  3  1
  //                    2    0  0  4
  ConfusionMatrix m(3);
  fill(m, {{5, 1, 0}, {2, 3, 1}, {0, 0, 4}});
  EXPECT_EQ(m.total(), 16);
  EXPECT_EQ(m.at(1, 0), 2);
  EXPECT_EQ(m.reference_count(1), 6);
  EXPECT_EQ(m.predicted_count(0), 7);
  const auto s = classification_scores(m);
  EXPECT_DOUBLE_EQ(s.overall_accuracy, 12.0 / 16.0);
  ASSERT_EQ(s.per_class_accuracy.size(), 3u);
  EXPECT_DOUBLE_EQ(s.per_class_accuracy[0], 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(s.per_class_accuracy[1], 0.5);
  EXPECT_DOUBLE_EQ(s.per_class_accuracy[2], 1.0);
  EXPECT_DOUBLE_EQ(s.average_accuracy, 7.0 / 9.0);  // (5/6 + 1/2 + 1) / 3
  // p_e = (6*7 + 6*4 + 4*5) / 256 = 86/256; kappa = (192/256 - 86/256) / (170/256) = 106/170.
  EXPECT_NEAR(s.kappa, 106.0 / 170.0, 1e-15);
}

TEST(ClassificationMetrics, ClassAbsentFromTheReferenceIsLeftOutOfAA) {
  // 4 classes, class 3 never in the reference but predicted once.
  ConfusionMatrix m(4);
  m.add({0, 0, 1, 1, 2}, {0, 3, 1, 1, 2});
  const auto s = classification_scores(m);
  EXPECT_DOUBLE_EQ(s.overall_accuracy, 0.8);
  EXPECT_DOUBLE_EQ(s.per_class_accuracy[0], 0.5);
  EXPECT_TRUE(std::isnan(s.per_class_accuracy[3]));
  EXPECT_DOUBLE_EQ(s.average_accuracy, 2.5 / 3.0);  // over classes 0, 1, 2
  // rows 2, 2, 1, 0; columns 1, 2, 1, 1: p_e = (2 + 4 + 1 + 0) / 25 = 0.28; kappa = 0.52 / 0.72.
  EXPECT_NEAR(s.kappa, 13.0 / 18.0, 1e-15);
}

TEST(ClassificationMetrics, PerfectChanceAndDegenerateCases) {
  ConfusionMatrix perfect(2);
  fill(perfect, {{3, 0}, {0, 5}});
  auto s = classification_scores(perfect);
  EXPECT_DOUBLE_EQ(s.overall_accuracy, 1.0);
  EXPECT_DOUBLE_EQ(s.average_accuracy, 1.0);
  EXPECT_DOUBLE_EQ(s.kappa, 1.0);

  // Predictions independent of the reference: OA equals p_e, kappa 0.
  ConfusionMatrix chance(2);
  fill(chance, {{1, 1}, {1, 1}});
  s = classification_scores(chance);
  EXPECT_DOUBLE_EQ(s.overall_accuracy, 0.5);
  EXPECT_DOUBLE_EQ(s.kappa, 0.0);

  // Always the wrong one of two balanced classes: kappa -1.
  ConfusionMatrix swapped(2);
  fill(swapped, {{0, 2}, {2, 0}});
  EXPECT_DOUBLE_EQ(classification_scores(swapped).kappa, -1.0);

  // One class in both reference and prediction: p_e = 1, kappa undefined.
  ConfusionMatrix single(3);
  fill(single, {{0, 0, 0}, {0, 4, 0}, {0, 0, 0}});
  s = classification_scores(single);
  EXPECT_DOUBLE_EQ(s.overall_accuracy, 1.0);
  EXPECT_DOUBLE_EQ(s.average_accuracy, 1.0);
  EXPECT_TRUE(std::isnan(s.kappa));

  s = classification_scores(ConfusionMatrix(2));
  EXPECT_TRUE(std::isnan(s.overall_accuracy));
  EXPECT_TRUE(std::isnan(s.average_accuracy));
  EXPECT_TRUE(std::isnan(s.kappa));
}

TEST(ClassificationMetrics, BadClassesAndLengthsAreErrors) {
  ConfusionMatrix m(3);
  EXPECT_TRUE(throws_error_with([&] { m.add(3, 0); }, {"confusion matrix", "(3, 0) outside [0, 3)"}));
  EXPECT_TRUE(throws_error_with([&] { m.add(0, -1); }, {"(0, -1)"}));
  EXPECT_TRUE(throws_error_with(
      [&] {
        m.add(std::vector<int64_t>{0, 1}, std::vector<int64_t>{0});
      },
      {"2 reference labels but 1 predictions"}));
  EXPECT_TRUE(throws_error_with([] { ConfusionMatrix(0); }, {"at least one class"}));
}
