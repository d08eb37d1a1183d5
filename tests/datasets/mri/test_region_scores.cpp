// BraTS region scores of label maps with known answers.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "datasets/mri/region_scores.h"

using namespace moezoo::datasets::mri;
using torch::indexing::Slice;

TEST(RegionScores, NestedBoxesWithKnownAnswers) {
  // Reference: WT = 2x2x4 box of oedema, inside it TC = 2x2x2 with ET = 2x2x1.
  // Prediction: identical except ET is missing (its voxels labelled 1).
  auto reference = torch::zeros({4, 4, 8}, torch::kLong);
  reference.index_put_({Slice(1, 3), Slice(1, 3), Slice(2, 6)}, 2);
  reference.index_put_({Slice(1, 3), Slice(1, 3), Slice(2, 4)}, 1);
  reference.index_put_({Slice(1, 3), Slice(1, 3), Slice(3, 4)}, 4);
  auto prediction = reference.clone();
  prediction.masked_fill_(prediction.eq(4), 1);
  Geometry g;
  g.size = {8, 4, 4};
  g.spacing = {0.5, 1.0, 3.0};
  const auto scores = score_brats_regions(prediction, reference, g);
  // ET: predicted empty, reference not -> Dice 0, HD95 373.13 (BraTS convention).
  EXPECT_DOUBLE_EQ(scores[0].dice, 0.0);
  EXPECT_NEAR(scores[0].hd95, kMissingRegionHd95, 1e-9);
  // TC and WT agree exactly.
  for (int r : {1, 2}) {
    EXPECT_DOUBLE_EQ(scores[r].dice, 1.0);
    EXPECT_DOUBLE_EQ(scores[r].hd95, 0.0);
  }
  // Shift the predicted WT one voxel along x (0.5 mm): WT Dice 2*12/32, distances 0 or 0.5 mm.
  auto shifted = torch::zeros_like(reference);
  shifted.index_put_({Slice(1, 3), Slice(1, 3), Slice(3, 7)}, 2);
  const auto s = score_brats_regions(shifted, reference, g);
  EXPECT_DOUBLE_EQ(s[2].dice, 2.0 * 12 / 32);
  EXPECT_DOUBLE_EQ(s[2].hd95, 0.5);
  // TC is absent from the prediction only.
  EXPECT_DOUBLE_EQ(s[1].dice, 0.0);
}
