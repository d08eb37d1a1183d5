#include <gtest/gtest.h>
#include <torch/torch.h>

#include "datasets/mri/resampling.h"
#include "tests/datasets/mri/mri_test_util.h"

namespace moezoo::datasets::mri {
namespace {

/// Physical point (LPS mm) of continuous voxel index (i, j, k) of `g`.
std::array<double, 3> physical_point(const Geometry& g, const std::array<double, 3>& index) {
  std::array<double, 3> p = g.origin;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) p[r] += g.direction[r * 3 + c] * g.spacing[c] * index[c];
  return p;
}

TEST(Resampling, ResizedGeometryKeepsTheExtentInPlace) {
  const Geometry g = testing::rotated_geometry(40, 30, 20);  // W, H, D
  const Geometry r = resized_geometry(g, {10, 15, 80});      // D, H, W: x up 2x, y down 2x, z down 2x
  EXPECT_EQ(r.size, (std::array<int64_t, 3>{80, 15, 10}));
  EXPECT_NEAR(r.spacing[0], 0.9 * 40 / 80, 1e-12);
  EXPECT_NEAR(r.spacing[1], 1.2 * 30 / 15, 1e-12);
  EXPECT_NEAR(r.spacing[2], 2.5 * 20 / 10, 1e-12);
  EXPECT_EQ(r.direction, g.direction);
  // The outer voxel edges (index -0.5 and size - 0.5) are the same physical points.
  for (const double side : {-0.5, 0.5}) {
    const auto at = [&](const Geometry& grid) {
      std::array<double, 3> index{};
      for (int a = 0; a < 3; ++a) index[a] = side < 0 ? -0.5 : static_cast<double>(grid.size[a]) - 0.5;
      return physical_point(grid, index);
    };
    const auto before = at(g), after = at(r);
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(before[a], after[a], 1e-9) << "axis " << a << " side " << side;
  }
}

TEST(Resampling, ShapeForSpacingCoversTheExtent) {
  Geometry brats;
  brats.size = {240, 240, 155};
  EXPECT_EQ(shape_for_spacing(brats, 1.0), (std::array<int64_t, 3>{155, 240, 240}));
  EXPECT_EQ(shape_for_spacing(brats, 2.0), (std::array<int64_t, 3>{78, 120, 120}));
  EXPECT_EQ(shape_for_spacing(brats, 1000.0), (std::array<int64_t, 3>{1, 1, 1}));
  EXPECT_TRUE(testing::throws_error_with([&] { shape_for_spacing(brats, 0.0); }, {"spacing"}));
}

TEST(Resampling, ShrinkingAveragesBlocksAndGrowingInterpolates) {
  const auto v = torch::arange(64, torch::kFloat).reshape({1, 4, 4, 4});
  const auto small = resize_intensities(v, {2, 2, 2});
  ASSERT_EQ(small.sizes(), (std::vector<int64_t>{1, 2, 2, 2}));
  EXPECT_FLOAT_EQ(small[0][0][0][0].item<float>(),
                  v.slice(1, 0, 2).slice(2, 0, 2).slice(3, 0, 2).mean().item<float>());
  const auto constant = torch::full({3, 5, 6}, 7.0f);
  EXPECT_TRUE(torch::allclose(resize_intensities(constant, {9, 11, 13}), torch::full({9, 11, 13}, 7.0f)));
  // A linear ramp stays linear inside (trilinear), with the new voxel centres.
  const auto ramp = torch::arange(4, torch::kFloat).reshape({1, 1, 4}).expand({2, 2, 4}).contiguous();
  const auto fine = resize_intensities(ramp, {2, 2, 8});
  EXPECT_NEAR(fine[0][0][3].item<float>(), (3 + 0.5) / 2 - 0.5, 1e-6);
}

TEST(Resampling, LabelsTakeTheNearestVoxelAndSurviveARoundTrip) {
  auto labels = torch::zeros({4, 4, 4}, torch::kLong);
  labels.slice(0, 0, 2).fill_(4);
  labels.slice(1, 2, 4).slice(2, 0, 2).fill_(2);
  const auto up = resize_labels(labels, {8, 8, 8});
  EXPECT_EQ(up.scalar_type(), torch::kLong);
  EXPECT_TRUE(torch::equal(std::get<0>(at::_unique(up)), torch::tensor({0, 2, 4}, torch::kLong)));
  EXPECT_TRUE(torch::equal(resize_labels(up, {4, 4, 4}), labels));
  EXPECT_EQ(up[1][7][0].item<int64_t>(), 2);
}

}  // namespace
}  // namespace moezoo::datasets::mri
