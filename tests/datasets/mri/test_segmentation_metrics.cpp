// Dice and HD95 on hand-made volumes whose answers are worked out in the comments.
#include <gtest/gtest.h>

#include <cmath>

#include "datasets/mri/segmentation_metrics.h"

using namespace moezoo::datasets::mri;

namespace {

/// A [D, H, W] mask with the box [z0, z1) x [y0, y1) x [x0, x1) set.
std::vector<uint8_t> box_mask(const MaskGrid& grid, std::array<int64_t, 3> lo, std::array<int64_t, 3> hi) {
  std::vector<uint8_t> mask(grid.shape[0] * grid.shape[1] * grid.shape[2], 0);
  for (int64_t z = lo[0]; z < hi[0]; ++z)
    for (int64_t y = lo[1]; y < hi[1]; ++y)
      for (int64_t x = lo[2]; x < hi[2]; ++x) mask[(z * grid.shape[1] + y) * grid.shape[2] + x] = 1;
  return mask;
}

}  // namespace

TEST(SegmentationMetrics, DiceOfShiftedCubes) {
  // Two 4x4x4 cubes shifted by 2 along x overlap in 2x4x4 = 32 voxels: 2*32 / (64+64) = 0.5.
  const MaskGrid grid{{8, 8, 8}, {1, 1, 1}};
  EXPECT_DOUBLE_EQ(dice_score(box_mask(grid, {2, 2, 1}, {6, 6, 5}), box_mask(grid, {2, 2, 3}, {6, 6, 7})), 0.5);
  EXPECT_DOUBLE_EQ(dice_score(box_mask(grid, {0, 0, 0}, {2, 2, 2}), box_mask(grid, {4, 4, 4}, {6, 6, 6})), 0.0);
}

TEST(SegmentationMetrics, IdenticalMasksScorePerfectly) {
  const MaskGrid grid{{6, 7, 8}, {1.5, 1, 2}};
  const auto mask = box_mask(grid, {1, 1, 1}, {5, 4, 6});
  const RegionScore s = score_region(mask, mask, grid);
  EXPECT_DOUBLE_EQ(s.dice, 1.0);
  EXPECT_DOUBLE_EQ(s.hd95, 0.0);
}

TEST(SegmentationMetrics, SingleVoxelsAreTheirDistanceApartInMillimetres) {
  // Voxels (z, y, x) = (1, 1, 1) and (2, 3, 4) with spacing (D, H, W) = (3, 2, 0.5) mm:
  // sqrt((1*3)^2 + (2*2)^2 + (3*0.5)^2) = sqrt(9 + 16 + 2.25).
  const MaskGrid grid{{4, 5, 6}, {3.0, 2.0, 0.5}};
  const auto a = box_mask(grid, {1, 1, 1}, {2, 2, 2});
  const auto b = box_mask(grid, {2, 3, 4}, {3, 4, 5});
  EXPECT_NEAR(hd95(a, b, grid), std::sqrt(27.25), 1e-12);
  EXPECT_NEAR(hd95(b, a, grid), std::sqrt(27.25), 1e-12);
}

TEST(SegmentationMetrics, Hd95IsThe95thPercentileOfSymmetricDistances) {
  // A: a line of 20 voxels along x at x = 0..19; B: the single voxel x = 0; spacing 0.5 mm
  // along x. A -> B distances 0, 0.5, ..., 9.5 (20 values); B -> A: 0. The 21 sorted values
  // are 0, 0, 0.5, ..., 9.5; rank 0.95 * 20 = 19 is the value 9.0 mm. The maximum (HD100)
  // would be 9.5.
  const MaskGrid grid{{1, 1, 24}, {1.0, 1.0, 0.5}};
  const auto line = box_mask(grid, {0, 0, 0}, {1, 1, 20});
  const auto dot = box_mask(grid, {0, 0, 0}, {1, 1, 1});
  EXPECT_NEAR(hd95(line, dot, grid), 9.0, 1e-12);
  const auto distances = surface_distances(line, dot, grid);
  ASSERT_EQ(distances.size(), 20u);
  EXPECT_DOUBLE_EQ(distances.back(), 9.5);
}

TEST(SegmentationMetrics, OnlySurfaceVoxelsCount) {
  // A 5x5x5 cube against the same cube grown by 1 voxel on every side (7x7x7), 1 mm:
  // every surface voxel of either is 1 voxel from the other's surface along an axis, so
  // all distances are 1 (or sqrt(2), sqrt(3) at edges and corners of the larger cube:
  // its corner (0,0,0) is nearest the inner corner (1,1,1), sqrt(3) away).
  const MaskGrid grid{{9, 9, 9}, {1, 1, 1}};
  const auto inner = box_mask(grid, {2, 2, 2}, {7, 7, 7});
  const auto outer = box_mask(grid, {1, 1, 1}, {8, 8, 8});
  const auto out_to_in = surface_distances(outer, inner, grid);
  // outer surface: 7^3 - 5^3 = 218 voxels; 8 corners at sqrt(3), 12 edges * 5 at sqrt(2), rest 1.
  ASSERT_EQ(out_to_in.size(), 218u);
  int corners = 0, edges = 0, faces = 0;
  for (double d : out_to_in) {
    corners += std::abs(d - std::sqrt(3.0)) < 1e-12;
    edges += std::abs(d - std::sqrt(2.0)) < 1e-12;
    faces += std::abs(d - 1.0) < 1e-12;
  }
  EXPECT_EQ(corners, 8);
  EXPECT_EQ(edges, 60);
  EXPECT_EQ(faces, 150);
  // inner -> outer: 98 surface voxels, each 1 from the outer surface. 316 values in all,
  // sorted: 248 ones, 60 sqrt(2), 8 sqrt(3); rank 0.95 * 315 = 299.25 falls among sqrt(2).
  EXPECT_NEAR(hd95(inner, outer, grid), std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(dice_score(inner, outer), 2.0 * 125 / (125 + 343), 1e-12);
}

TEST(SegmentationMetrics, VolumeEdgeCountsAsOutside) {
  // A mask filling the whole 3x3x3 volume has all but its centre voxel on the surface.
  const MaskGrid grid{{3, 3, 3}, {1, 1, 1}};
  const std::vector<uint8_t> full(27, 1);
  EXPECT_EQ(surface_distances(full, full, grid).size(), 26u);
}

TEST(SegmentationMetrics, EmptyMasksFollowBrats) {
  const MaskGrid grid{{4, 4, 4}, {1, 1, 1}};
  const std::vector<uint8_t> empty(64, 0);
  const auto some = box_mask(grid, {1, 1, 1}, {2, 2, 2});
  const RegionScore both = score_region(empty, empty, grid);
  EXPECT_DOUBLE_EQ(both.dice, 1.0);
  EXPECT_DOUBLE_EQ(both.hd95, 0.0);
  for (const auto& [p, r] : {std::pair{empty, some}, std::pair{some, empty}}) {
    const RegionScore one = score_region(p, r, grid);
    EXPECT_DOUBLE_EQ(one.dice, 0.0);
    EXPECT_NEAR(one.hd95, 373.13, 0.01);
  }
}

TEST(SegmentationMetrics, PercentileInterpolatesLikeNumpy) {
  // numpy.percentile([1, 2, 3, 4], 95) = 3.85; ([7], 95) = 7.
  EXPECT_NEAR(percentile({4, 1, 3, 2}, 95.0), 3.85, 1e-12);
  EXPECT_DOUBLE_EQ(percentile({7}, 95.0), 7.0);
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3}, 100.0), 3.0);
}

TEST(SegmentationMetrics, MismatchedSizesThrow) {
  const MaskGrid grid{{2, 2, 2}, {1, 1, 1}};
  EXPECT_THROW(hd95(std::vector<uint8_t>(8, 1), std::vector<uint8_t>(7, 1), grid), std::invalid_argument);
}

TEST(SegmentationMetrics, MatchesScipyReferenceOnCurvedShapes) {
  // An ellipsoid and an offset ball on an anisotropic grid; the numbers come from MedPy's
  // recipe in scipy (binary_erosion with 6-connectivity, distance_transform_edt with
  // sampling=(2.0, 1.0, 0.7), numpy.percentile of both directions): 2.4413111231467406 mm,
  // |A| = 491, |B| = 515, |A n B| = 305.
  const MaskGrid grid{{14, 16, 18}, {2.0, 1.0, 0.7}};
  std::vector<uint8_t> a(14 * 16 * 18), b(a.size());
  for (int z = 0; z < 14; ++z)
    for (int y = 0; y < 16; ++y)
      for (int x = 0; x < 18; ++x) {
        const size_t i = (z * 16 + y) * 18 + x;
        a[i] = std::pow((z - 6) / 5.0, 2) + std::pow((y - 7) / 6.0, 2) + std::pow((x - 8) / 4.0, 2) <= 1.0;
        b[i] = (z - 7) * (z - 7) + (y - 8) * (y - 8) + (x - 10) * (x - 10) <= 25;
      }
  EXPECT_NEAR(hd95(a, b, grid), 2.4413111231467406, 1e-9);
  EXPECT_NEAR(dice_score(a, b), 2.0 * 305 / (491 + 515), 1e-12);
}
