// Per-band normalisation against statistics worked out by hand.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "datasets/hsi/band_normalization.h"
#include "tests/datasets/hsi/hsi_test_util.h"

using namespace moezoo::datasets::hsi;

namespace {

/// [1, 4, 3]: band 0 = 1, 2, 3, 4; band 1 = 10, 10, 10, 10 (constant); band 2 = -2, 0, 2, 8.
torch::Tensor small_cube() {
  return torch::tensor({1.f, 10.f, -2.f, 2.f, 10.f, 0.f, 3.f, 10.f, 2.f, 4.f, 10.f, 8.f}).view({1, 4, 3});
}

}  // namespace

TEST(BandNormalization, StandardizeUsesPopulationStatisticsPerBand) {
  const auto s = fit_band_scaler(small_cube(), BandNormalization::Standardize);
  // band 0: mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25; band 2: mean 2, variance (16 + 4 + 0 + 36) / 4
  // = 14.
  EXPECT_TRUE(torch::allclose(s.offset, torch::tensor({2.5f, 10.f, 2.f})));
  EXPECT_TRUE(torch::allclose(s.scale, torch::tensor({std::sqrt(1.25f), 1.f, std::sqrt(14.f)})));  // constant band: 1
  const auto y = s.apply(small_cube());
  EXPECT_TRUE(torch::allclose(y.mean({0, 1}), torch::zeros({3}), 0, 1e-6));
  EXPECT_TRUE(torch::allclose(y.select(2, 0).square().mean(), torch::tensor(1.f)));
  EXPECT_TRUE(torch::equal(y.select(2, 1), torch::zeros({1, 4})));
}

TEST(BandNormalization, MinMaxMapsTheFittedRangeToUnitInterval) {
  const auto s = fit_band_scaler(small_cube(), BandNormalization::MinMax);
  const auto y = s.apply(small_cube());
  EXPECT_TRUE(torch::allclose(y.select(2, 2), torch::tensor({0.f, 0.2f, 0.4f, 1.f}).view({1, 4})));
  EXPECT_TRUE(torch::allclose(y.select(2, 0), torch::tensor({0.f, 1.f / 3, 2.f / 3, 1.f}).view({1, 4})));
}

TEST(BandNormalization, StatisticsComeOnlyFromTheChosenPixels) {
  const auto pixels = torch::tensor({true, true, false, false}).view({1, 4});
  const auto s = fit_band_scaler(small_cube(), BandNormalization::MinMax, pixels);
  // Fitted on the first two pixels: band 0 range [1, 2], so pixel 4 maps to 3.
  EXPECT_FLOAT_EQ(s.apply(small_cube())[0][3][0].item<float>(), 3.f);
  const auto none = fit_band_scaler(small_cube(), BandNormalization::None);
  EXPECT_TRUE(torch::equal(none.apply(small_cube()), small_cube()));
}

TEST(BandNormalization, NamesAndMismatchedCubesAreChecked) {
  EXPECT_EQ(parse_band_normalization("minmax", "data.normalize"), BandNormalization::MinMax);
  EXPECT_TRUE(moezoo::testing::throws_error_with([] { parse_band_normalization("zscore", "data.normalize"); },
                                                 {"data.normalize", "'zscore'", "standardize"}));
  const auto s = fit_band_scaler(small_cube(), BandNormalization::Standardize);
  EXPECT_TRUE(moezoo::testing::throws_error_with(
      [&] {
        s.apply(torch::zeros({2, 2, 5}));
      },
      {"5 bands", "fitted on 3"}));
}
