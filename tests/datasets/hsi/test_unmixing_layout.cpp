// The [bands, pixels] layout of the unmixing files and the noise model, by hand.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "datasets/hsi/spectral_noise.h"
#include "datasets/hsi/unmixing_layout.h"
#include "tests/datasets/hsi/hsi_test_util.h"

using namespace moezoo::datasets::hsi;

TEST(UnmixingLayout, ColumnMajorPixelsBecomeTheImage) {
  // 2 bands, a 2x3 image: pixel (r, c) is column c * 2 + r, so value = column index (+ 10 in band 1).
  const auto y = torch::stack({torch::arange(6), torch::arange(6) + 10});  // [2, 6]
  const auto image = column_major_pixels_to_image(y, 2, 3);
  ASSERT_EQ(image.sizes(), torch::IntArrayRef({2, 3, 2}));
  EXPECT_EQ(image[1][0][0].item<int64_t>(), 1);  // column 1
  EXPECT_EQ(image[0][1][0].item<int64_t>(), 2);  // column 2 (row-major would give 1)
  EXPECT_EQ(image[1][2][1].item<int64_t>(), 15);
  EXPECT_TRUE(moezoo::testing::throws_error_with([&] { column_major_pixels_to_image(y, 3, 3); }, {"3 * 3"}));
}

TEST(UnmixingLayout, LabelsAreTheLargestAbundanceFirstOnTies) {
  // 3 endmembers, 4 pixels (2x2, pixel p at (p % 2, p / 2)): pixel 1 ties endmembers 0 and 2
  // at 0.4 and takes the first. Per pixel: 1, 1, 3, 2 -> image [[1, 3], [1, 2]].
  const auto a = torch::tensor({0.7, 0.4, 0.1, 0.2,   //
                                0.2, 0.2, 0.3, 0.75,  //
                                0.1, 0.4, 0.6, 0.05},
                               torch::kDouble)
                     .view({3, 4});
  EXPECT_TRUE(torch::equal(abundance_labels(a, 2, 2), torch::tensor({1, 3, 1, 2}, torch::kLong).view({2, 2})));
  // threshold 0.65: pixels 1 (0.4) and 2 (0.6) drop out; image (r, c) <- column c * 2 + r.
  EXPECT_TRUE(torch::equal(abundance_labels(a, 2, 2, 0.65), torch::tensor({1, 0, 0, 2}, torch::kLong).view({2, 2})));
}

TEST(SpectralNoise, SnrSeedAndInfinity) {
  const auto x = torch::full({1000, 1000}, 2.0, torch::kDouble);
  EXPECT_TRUE(torch::equal(add_noise_at_snr(x, std::numeric_limits<double>::infinity(), 0), x));
  const auto y = add_noise_at_snr(x, 10.0, 1);
  // signal power 4, SNR 10 dB: noise variance 0.4.
  EXPECT_NEAR((y - x).square().mean().item<double>(), 0.4, 0.4 * 0.01);
  EXPECT_TRUE(torch::equal(y, add_noise_at_snr(x, 10.0, 1)));
  EXPECT_FALSE(torch::equal(y, add_noise_at_snr(x, 10.0, 2)));
}
