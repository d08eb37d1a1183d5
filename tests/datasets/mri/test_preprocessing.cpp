// Brain-mask z-score, crop to the brain and back, and random patches.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "datasets/mri/brain_crop.h"
#include "datasets/mri/intensity_normalization.h"
#include "datasets/mri/patch_sampling.h"
#include "tests/datasets/mri/mri_test_util.h"

using namespace moezoo::datasets::mri;

namespace {

/// A [2, 6, 7, 8] image whose "brain" is the box [1, 4) x [2, 6) x [3, 7), zero elsewhere.
at::Tensor boxed_image() {
  torch::manual_seed(3);
  auto image = torch::zeros({2, 6, 7, 8});
  image.index_put_({torch::indexing::Slice(), torch::indexing::Slice(1, 4), torch::indexing::Slice(2, 6),
                    torch::indexing::Slice(3, 7)},
                   torch::rand({2, 3, 4, 4}) * 500 + 100);
  return image;
}

}  // namespace

TEST(IntensityNormalization, ZScoreInsideTheBrainOnly) {
  const auto image = boxed_image();
  const auto mask = brain_mask(image);
  EXPECT_EQ(mask.sum().item<int64_t>(), 3 * 4 * 4);
  const auto z = zscore_in_mask(image, mask);
  for (int c = 0; c < 2; ++c) {
    const auto inside = z[c].masked_select(mask);
    EXPECT_NEAR(inside.mean().item<double>(), 0.0, 1e-5);
    EXPECT_NEAR(inside.std(/*unbiased=*/false).item<double>(), 1.0, 1e-5);
    EXPECT_EQ(z[c].masked_select(~mask).abs().max().item<float>(), 0.0f);
  }
  // A constant channel inside the mask becomes 0, not NaN.
  const auto constant = zscore_in_mask(mask.to(torch::kFloat).unsqueeze(0) * 7, mask);
  EXPECT_EQ(constant.abs().max().item<float>(), 0.0f);
}

TEST(BrainCrop, CropsToTheBrainAndPastesBack) {
  MriCase c;
  c.id = "box";
  c.image = boxed_image();
  c.label = torch::zeros({6, 7, 8}, torch::kLong);
  c.label.index_put_({2, 3, 4}, 4);
  c.geometry = moezoo::testing::rotated_geometry(8, 7, 6);
  const MriCase cropped = crop_to_brain(c, /*margin=*/1);
  EXPECT_EQ(cropped.image.sizes(), (std::vector<int64_t>{2, 5, 6, 6}));  // [0, 5) x [1, 7) x [2, 8)
  EXPECT_EQ(cropped.geometry.size, (std::array<int64_t, 3>{6, 6, 5}));
  EXPECT_EQ(cropped.label.index({2, 2, 2}).item<int64_t>(), 4);
  // The crop's origin is the physical point of its first voxel (x, y, z) = (2, 1, 0).
  const auto& g = c.geometry;
  for (int r = 0; r < 3; ++r) {
    const double expected =
        g.origin[r] + g.direction[r * 3 + 0] * g.spacing[0] * 2 + g.direction[r * 3 + 1] * g.spacing[1] * 1;
    EXPECT_NEAR(cropped.geometry.origin[r], expected, 1e-9);
  }
  const CropBox box = bounding_box(brain_mask(c.image), 1);
  EXPECT_TRUE(torch::equal(uncrop(cropped.image, box, {6, 7, 8}), c.image));
}

TEST(BrainCrop, EmptyMaskKeepsTheWholeVolume) {
  const CropBox box = bounding_box(torch::zeros({3, 4, 5}, torch::kBool));
  EXPECT_EQ(box.shape(), (std::array<int64_t, 3>{3, 4, 5}));
}

TEST(PatchSampling, SeededPatchesAreReproducibleAndShaped) {
  const auto image = boxed_image();
  auto label = torch::zeros({6, 7, 8}, torch::kLong);
  label.index_put_({2, 3, 4}, 1);
  PatchOptions options;
  options.size = {4, 4, 4};
  std::mt19937_64 a(7), b(7);
  for (int i = 0; i < 5; ++i) {
    const Patch p = sample_patch(image, label, options, a);
    const Patch q = sample_patch(image, label, options, b);
    EXPECT_EQ(p.image.sizes(), (std::vector<int64_t>{2, 4, 4, 4}));
    EXPECT_EQ(p.label.sizes(), (std::vector<int64_t>{4, 4, 4}));
    EXPECT_TRUE(torch::equal(p.image, q.image));
    EXPECT_EQ(p.begin, q.begin);
  }
}

TEST(PatchSampling, ForegroundPatchesContainTheTumour) {
  const auto image = boxed_image();
  auto label = torch::zeros({6, 7, 8}, torch::kLong);
  label.index_put_({2, 3, 4}, 2);
  PatchOptions options;
  options.size = {3, 3, 3};
  options.foreground_fraction = 1.0;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(sample_patch(image, label, options, rng).label.eq(2).sum().item<int64_t>(), 1);
}

TEST(PatchSampling, FlipsMoveImageAndLabelTogetherAndBackgroundStaysZero) {
  // Without intensity changes, the patch equals the flipped box of the source.
  const auto image = boxed_image();
  const auto label = (image[0] > 300).to(torch::kLong);
  PatchOptions options;
  options.size = {6, 7, 8};
  options.intensity_scale = options.intensity_shift = 0.0;
  std::mt19937_64 rng(11);
  bool any_flip = false;
  for (int i = 0; i < 8; ++i) {
    const Patch p = sample_patch(image, label, options, rng);
    std::vector<int64_t> axes;
    for (int d = 0; d < 3; ++d)
      if (p.flipped[d]) axes.push_back(d);
    any_flip |= !axes.empty();
    std::vector<int64_t> image_axes;
    for (auto a : axes) image_axes.push_back(a + 1);
    EXPECT_TRUE(torch::equal(p.image, axes.empty() ? image : image.flip(image_axes)));
    EXPECT_TRUE(torch::equal(p.label, axes.empty() ? label : label.flip(axes)));
  }
  EXPECT_TRUE(any_flip);
  options.intensity_scale = options.intensity_shift = 0.2;
  const Patch p = sample_patch(image, label, options, rng);
  EXPECT_EQ(p.image.eq(0).sum().item<int64_t>(), image.eq(0).sum().item<int64_t>());
}

TEST(PatchSampling, SmallVolumesArePadded) {
  PatchOptions options;
  options.size = {8, 8, 8};
  std::mt19937_64 rng(0);
  const Patch p = sample_patch(torch::ones({1, 3, 4, 5}), torch::ones({3, 4, 5}, torch::kLong), options, rng);
  EXPECT_EQ(p.image.sizes(), (std::vector<int64_t>{1, 8, 8, 8}));
  EXPECT_EQ(p.label.sum().item<int64_t>(), 60);
}
