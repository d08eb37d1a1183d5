// PCA on cubes whose spectra have a known low-rank structure.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "datasets/hsi/pca.h"
#include "tests/datasets/hsi/hsi_test_util.h"

using namespace moezoo::datasets::hsi;

namespace {

/// [16, 16, 12] cube of rank 3 around a mean spectrum: x = mean + sum_k s_k z_k u_k with
/// orthonormal u_k and independent unit scores z_k scaled by s = 5, 2, 0.5.
torch::Tensor low_rank_cube(torch::Tensor& directions) {
  torch::manual_seed(7);
  directions = std::get<0>(torch::linalg_qr(torch::randn({12, 3}, torch::kDouble)));  // [12, 3] orthonormal
  const auto scores = torch::randn({256, 3}, torch::kDouble) * torch::tensor({5.0, 2.0, 0.5}, torch::kDouble);
  const auto mean = torch::linspace(1.0, 2.0, 12, torch::kDouble);
  return (mean + torch::matmul(scores, directions.t())).view({16, 16, 12}).to(torch::kFloat);
}

}  // namespace

TEST(Pca, RecoversTheSubspaceOrdersVarianceAndReconstructsRankThree) {
  torch::Tensor u;
  const auto cube = low_rank_cube(u);
  const auto pca = fit_pca(cube, 3);
  ASSERT_EQ(pca.components.sizes(), torch::IntArrayRef({12, 3}));
  const auto v = pca.explained_variance;
  EXPECT_GT(v[0].item<double>(), v[1].item<double>());
  EXPECT_GT(v[1].item<double>(), v[2].item<double>());
  // The three components carry all the variance (the rest is float32 rounding).
  EXPECT_NEAR(v.sum().item<double>() / pca.total_variance, 1.0, 1e-6);
  // Orthonormal, and spanning the generating directions: the projection of u onto them keeps u.
  EXPECT_TRUE(
      torch::allclose(torch::matmul(pca.components.t(), pca.components), torch::eye(3, torch::kDouble), 0, 1e-10));
  const auto projected = torch::matmul(pca.components, torch::matmul(pca.components.t(), u));
  EXPECT_TRUE(torch::allclose(projected, u, 0, 1e-5));
  // Scores have the explained variances and the reconstruction is the cube.
  const auto scores = pca.project(cube);
  ASSERT_EQ(scores.sizes(), torch::IntArrayRef({16, 16, 3}));
  const auto flat = scores.reshape({-1, 3}).to(torch::kDouble);
  const auto var = (flat - flat.mean(0)).square().mean(0);
  EXPECT_TRUE(torch::allclose(var, v, 1e-4));
  EXPECT_TRUE(torch::allclose(pca.reconstruct(scores), cube, 0, 1e-4));
}

TEST(Pca, FewerComponentsLoseExactlyTheDroppedVariance) {
  torch::Tensor u;
  const auto cube = low_rank_cube(u);
  const auto full = fit_pca(cube, 3);
  const auto one = fit_pca(cube, 1);
  EXPECT_TRUE(torch::allclose(one.components.select(1, 0), full.components.select(1, 0)));
  // Mean squared reconstruction error per pixel = the variance of the dropped components.
  const auto error =
      (one.reconstruct(one.project(cube)) - cube).to(torch::kDouble).square().sum(2).mean().item<double>();
  const double dropped = full.explained_variance.slice(0, 1).sum().item<double>();
  EXPECT_NEAR(error, dropped, 1e-3 * dropped);
  // Signs are fixed: the largest-magnitude entry of every component is positive.
  const auto peak = full.components.gather(0, full.components.abs().argmax(0).unsqueeze(0));
  EXPECT_TRUE((peak > 0).all().item<bool>());
}

TEST(Pca, PixelMaskRestrictsTheFitAndBadComponentCountsAreErrors) {
  auto cube = torch::zeros({2, 2, 3});
  cube[0][0] = torch::tensor({1.f, 0.f, 0.f});
  cube[0][1] = torch::tensor({-1.f, 0.f, 0.f});
  cube[1][0] = torch::tensor({0.f, 50.f, 0.f});  // outside the mask: would dominate otherwise
  const auto mask = torch::tensor({true, true, false, false}).view({2, 2});
  const auto pca = fit_pca(cube, 1, mask);
  EXPECT_TRUE(torch::allclose(pca.components.select(1, 0), torch::tensor({1.0, 0.0, 0.0}, torch::kDouble)));
  EXPECT_NEAR(pca.explained_variance[0].item<double>(), 1.0, 1e-12);
  EXPECT_TRUE(moezoo::testing::throws_error_with([&] { fit_pca(cube, 4); }, {"pca", "[1, 3]", "not 4"}));
}
