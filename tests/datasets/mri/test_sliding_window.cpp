// Sliding-window inference: tiling, the Gaussian, and exact reconstruction.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "datasets/mri/sliding_window.h"

using namespace moezoo::datasets::mri;

TEST(SlidingWindow, StartsCoverTheAxisEvenly) {
  EXPECT_EQ(window_starts(10, 4, 0.5), (std::vector<int64_t>{0, 2, 4, 6}));  // step 2, 4 windows
  EXPECT_EQ(window_starts(11, 4, 0.5),
            (std::vector<int64_t>{0, 2, 4, 5, 7}));  // ceil(7 / 2) + 1 = 5 windows, step 1.75
  EXPECT_EQ(window_starts(4, 4, 0.5), (std::vector<int64_t>{0}));
  EXPECT_EQ(window_starts(3, 4, 0.5), (std::vector<int64_t>{0}));
  EXPECT_EQ(window_starts(155, 128, 0.5), (std::vector<int64_t>{0, 27}));
}

TEST(SlidingWindow, GaussianPeaksAtTheCentreWithSigmaAnEighth) {
  const auto g = gaussian_importance({9, 16, 16});
  EXPECT_FLOAT_EQ(g.max().item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(g[4][7][7].item<float>(), g[4][8][8].item<float>());  // symmetric about the centre
  EXPECT_GT(g.min().item<float>(), 0.0f);
  // Along w: sigma = 2, so a voxel 2 further from the centre weighs exp(-(7.5^2 - 5.5^2) / 8) less.
  EXPECT_NEAR(g[4][7][0].item<double>() / g[4][7][2].item<double>(), std::exp(-(7.5 * 7.5 - 5.5 * 5.5) / 8.0), 1e-5);
}

TEST(SlidingWindow, ConstantPredictorGivesTheConstantEverywhere) {
  SlidingWindowOptions options;
  options.window = {4, 6, 5};
  options.batch_size = 3;
  const auto volume = torch::randn({2, 9, 13, 7});
  const auto out = sliding_window_inference(volume, options, [](const at::Tensor& p) {
    return torch::tensor({1.5f, -2.0f}).view({1, 2, 1, 1, 1}).expand({p.size(0), 2, p.size(2), p.size(3), p.size(4)});
  });
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{2, 9, 13, 7}));
  EXPECT_TRUE(torch::allclose(out[0], torch::full({9, 13, 7}, 1.5f), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(out[1], torch::full({9, 13, 7}, -2.0f), 1e-6, 1e-6));
}

TEST(SlidingWindow, PositionDependentPredictorIsReconstructedExactly) {
  // The volume holds each voxel's own coordinates; a predictor that maps them to a
  // nonlinear function of position must give that function on the whole volume.
  const int64_t D = 11, H = 17, W = 9;
  const auto grid = torch::meshgrid(
      {torch::arange(D, torch::kFloat), torch::arange(H, torch::kFloat), torch::arange(W, torch::kFloat)}, "ij");
  const auto volume = torch::stack({grid[0], grid[1], grid[2]});
  auto f = [](const at::Tensor& coords) {  // [.., 3, d, h, w] -> [.., 2, d, h, w]
    const auto z = coords.select(-4, 0), y = coords.select(-4, 1), x = coords.select(-4, 2);
    return torch::stack({z * 100 + y * 10 + x, (z * y).sin() + x.square()}, -4);
  };
  for (bool gaussian : {true, false}) {
    SlidingWindowOptions options;
    options.window = {4, 8, 16};  // w larger than the volume: padded, then cropped
    options.overlap = 0.3;
    options.gaussian = gaussian;
    const auto out = sliding_window_inference(volume, options, f);
    EXPECT_TRUE(torch::allclose(out, f(volume), 1e-5, 1e-4)) << "gaussian " << gaussian;
  }
}
