// GRAND's consistency regularisation (models/geomoe/consistency_regularization.h)
// against values and gradients computed by hand with plain doubles.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "core/util/error.h"
#include "models/geomoe/consistency_regularization.h"

namespace {

using namespace moezoo::models::geomoe;

std::vector<double> softmax2(double a, double b) {
  const double m = std::max(a, b), ea = std::exp(a - m), eb = std::exp(b - m);
  return {ea / (ea + eb), eb / (ea + eb)};
}

TEST(DropNode, WholeRowsDroppedAndKeptRowsRescaled) {
  torch::manual_seed(3);
  const at::Tensor x = torch::ones({2000, 5});
  EXPECT_TRUE(drop_nodes(x, 0.0).equal(x));
  const at::Tensor d = drop_nodes(x, 0.4);
  const at::Tensor row_min = std::get<0>(d.min(1)), row_max = std::get<0>(d.max(1));
  EXPECT_TRUE(row_min.equal(row_max)) << "a row was partly dropped";
  const at::Tensor kept = row_max.gt(0);
  EXPECT_TRUE(torch::allclose(row_max.index({kept}), torch::full({kept.sum().item<int64_t>()}, 1.0 / 0.6)));
  const double kept_fraction = kept.to(torch::kFloat64).mean().item<double>();
  EXPECT_NEAR(kept_fraction, 0.6, 0.05);  // 2000 Bernoulli(0.6) draws: std 0.011
  EXPECT_THROW(drop_nodes(x, 1.0), moezoo::Error);
}

TEST(Consistency, SharpenMatchesFormula) {
  const at::Tensor p = torch::tensor({{0.6, 0.4}, {0.5, 0.5}}, torch::kFloat64);
  const at::Tensor s = sharpen(p, 0.5);
  EXPECT_NEAR(s[0][0].item<double>(), 0.36 / 0.52, 1e-12);
  EXPECT_NEAR(s[1][0].item<double>(), 0.5, 1e-12);
  EXPECT_TRUE(torch::allclose(sharpen(p, 1.0), p));
}

TEST(Consistency, LossAndGradientsEqualHandComputed) {
  // One node, two classes, two perturbed passes; temperature 0.3.
  const double t = 0.3;
  const std::vector<std::vector<double>> logit_values = {{0.2, -0.1}, {1.1, 0.0}};
  std::vector<at::Tensor> logits;
  for (const auto& l : logit_values)
    logits.push_back(torch::tensor(l, torch::kFloat64).reshape({1, 2}).requires_grad_(true));

  const auto p1 = softmax2(logit_values[0][0], logit_values[0][1]);
  const auto p2 = softmax2(logit_values[1][0], logit_values[1][1]);
  const double m0 = (p1[0] + p2[0]) / 2, m1 = (p1[1] + p2[1]) / 2;
  const double q0 = std::pow(m0, 1 / t) / (std::pow(m0, 1 / t) + std::pow(m1, 1 / t)), q1 = 1 - q0;
  auto sq = [&](const std::vector<double>& p) { return std::pow(p[0] - q0, 2) + std::pow(p[1] - q1, 2); };
  const double expected = (sq(p1) + sq(p2)) / 2;

  const at::Tensor loss = consistency_loss(logits, t);
  EXPECT_NEAR(loss.item<double>(), expected, 1e-12);

  // The sharpened target carries no gradient: d/dl of 1/2 ||softmax(l) - q||^2 with q
  // fixed. For two classes, dp0/dl0 = p0 p1 = -dp0/dl1.
  loss.backward();
  for (size_t s = 0; s < 2; ++s) {
    const auto& p = s == 0 ? p1 : p2;
    const double dloss_dp0 = (p[0] - q0), dloss_dp1 = (p[1] - q1);  // (2 (p - q)) / S
    const double g0 = p[0] * p[1] * (dloss_dp0 - dloss_dp1);
    EXPECT_NEAR(logits[s].grad()[0][0].item<double>(), g0, 1e-12);
    EXPECT_NEAR(logits[s].grad()[0][1].item<double>(), -g0, 1e-12);
  }
}

TEST(Consistency, IdenticalPassesOfAOneHotPredictionCostNothing) {
  const at::Tensor l = torch::tensor({{30.0, -30.0}, {-30.0, 30.0}}, torch::kFloat64);
  EXPECT_LT(consistency_loss({l, l.clone()}, 0.5).item<double>(), 1e-20);
}

}  // namespace
