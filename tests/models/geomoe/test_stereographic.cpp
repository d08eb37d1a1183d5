// kappa-stereographic operations against closed forms: the Poincare ball's distance
// (kappa = -1), the sphere's great-circle distance through the inverse stereographic
// projection (kappa = +1), Euclidean space at kappa = 0, and identities that hold for
// every kappa (log0 inverts exp0, left cancellation of Mobius addition, the Mobius
// matrix-vector product is exp0(M log0 x)). float64, relative error < 1e-10 unless stated.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/geomoe/stereographic.h"

namespace {

namespace sg = moezoo::models::geomoe::stereographic;

at::Tensor k(double v) { return torch::tensor(v, torch::kFloat64); }

/// Random points of norm < radius * 0.9 (inside the ball for kappa < 0, within a
/// quarter-sphere of the origin for kappa > 0, where tan stays far from its pole).
at::Tensor points(int64_t n, int64_t d, double radius, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const at::Tensor dir = torch::randn({n, d}, gen, torch::kFloat64);
  const at::Tensor r = 0.9 * radius * torch::rand({n, 1}, gen, torch::kFloat64);
  return dir / dir.norm(2, -1, true) * r;
}

void expect_close(const at::Tensor& a, const at::Tensor& b, double rtol, const std::string& what) {
  const double err = (a - b).abs().max().item<double>() / std::max(1e-300, b.abs().max().item<double>());
  EXPECT_LT(err, rtol) << what;
}

TEST(Stereographic, PoincareDistanceMatchesArcosh) {
  const at::Tensor x = points(50, 5, 1.0, 1), y = points(50, 5, 1.0, 2);
  const at::Tensor diff2 = (x - y).pow(2).sum(-1);
  const at::Tensor expected =
      torch::acosh(1 + 2 * diff2 / ((1 - x.pow(2).sum(-1)) * (1 - y.pow(2).sum(-1))));
  expect_close(sg::distance(x, y, k(-1)), expected, 1e-9, "d_-1");
  // From the origin: 2 artanh |y|.
  expect_close(sg::distance(torch::zeros_like(y), y, k(-1)), 2 * torch::atanh(y.norm(2, -1)), 1e-10, "d_-1(0, y)");
}

TEST(Stereographic, SphereDistanceMatchesGreatCircle) {
  const at::Tensor x = points(50, 4, 1.0, 3), y = points(50, 4, 1.0, 4);
  // Inverse stereographic projection onto the unit sphere in R^5.
  auto lift = [](const at::Tensor& p) {
    const at::Tensor n2 = p.pow(2).sum(-1, true);
    return torch::cat({2 * p, 1 - n2}, -1) / (1 + n2);
  };
  const at::Tensor cosine = (lift(x) * lift(y)).sum(-1).clamp(-1, 1);
  expect_close(sg::distance(x, y, k(1)), torch::acos(cosine), 1e-8, "d_+1");
}

TEST(Stereographic, KappaZeroIsEuclidean) {
  const at::Tensor x = points(20, 3, 5.0, 5), y = points(20, 3, 5.0, 6);
  const at::Tensor w = torch::randn({4, 3}, torch::kFloat64);
  EXPECT_TRUE(torch::allclose(sg::mobius_add(x, y, k(0)), x + y, 1e-14, 1e-14));
  EXPECT_TRUE(torch::allclose(sg::expmap0(x, k(0)), x, 1e-14, 1e-14));
  EXPECT_TRUE(torch::allclose(sg::logmap0(x, k(0)), x, 1e-14, 1e-14));
  EXPECT_TRUE(torch::allclose(sg::mobius_matvec(w, x, k(0)), x.matmul(w.t()), 1e-12, 1e-12));
  EXPECT_TRUE(torch::allclose(sg::distance(x, y, k(0)), 2 * (x - y).norm(2, -1), 1e-12, 1e-12));  // conformal factor 2
}

TEST(Stereographic, IdentitiesHoldForEveryCurvature) {
  for (double kappa : {-2.0, -1.0, -0.3, -5e-5, 0.0, 5e-5, 0.4, 1.0}) {
    const double radius = kappa < 0 ? 1 / std::sqrt(-kappa) : kappa > 0 ? 1 / std::sqrt(kappa) : 3.0;
    const at::Tensor x = points(30, 6, radius, 7), y = points(30, 6, radius, 8);
    const std::string at = "kappa " + std::to_string(kappa);
    expect_close(sg::logmap0(sg::expmap0(x, k(kappa)), k(kappa)), x, 1e-10, "log0(exp0 x) " + at);
    expect_close(sg::mobius_add(-x, sg::mobius_add(x, y, k(kappa)), k(kappa)), y, 1e-9, "left cancellation " + at);
    const at::Tensor w = 0.3 * torch::randn({6, 6}, torch::kFloat64);
    expect_close(sg::mobius_matvec(w, x, k(kappa)),
                 sg::expmap0(sg::logmap0(x, k(kappa)).matmul(w.t()), k(kappa)), 1e-9, "M (x) x " + at);
  }
}

TEST(Stereographic, SeriesAndClosedFormAgreeAcrossTheThreshold) {
  // u from 0 to 3 at |kappa| ~ 1e-4 crosses |kappa| u^2 = 1e-4 at u = 1: the series
  // below and the closed form above must both equal the closed form in long double.
  const at::Tensor u = torch::linspace(0.01, 3, 300, torch::kFloat64);
  for (double kappa : {-1.00001e-4, -0.99999e-4, 0.99999e-4, 1.00001e-4}) {
    const at::Tensor t = sg::tan_k(u, k(kappa)), a = sg::arctan_k(u, k(kappa));
    const long double s = std::sqrt(std::abs(static_cast<long double>(kappa)));
    for (int64_t i = 0; i < u.size(0); ++i) {
      const long double x = u[i].item<double>();
      const long double tan_ref = kappa > 0 ? std::tan(s * x) / s : std::tanh(s * x) / s;
      const long double atan_ref = kappa > 0 ? std::atan(s * x) / s : std::atanh(s * x) / s;
      EXPECT_NEAR(t[i].item<double>(), static_cast<double>(tan_ref), 1e-12 * x) << kappa << " u " << x;
      EXPECT_NEAR(a[i].item<double>(), static_cast<double>(atan_ref), 1e-12 * x) << kappa << " u " << x;
    }
  }
}

TEST(Stereographic, GradientInKappaMatchesFiniteDifferences) {
  const at::Tensor x = points(10, 3, 0.8, 9), y = points(10, 3, 0.8, 10);
  for (double kappa : {-0.7, 0.0, 0.6}) {
    at::Tensor kv = k(kappa).requires_grad_(true);
    const at::Tensor d = sg::distance(sg::expmap0(x, kv), sg::expmap0(y, kv), kv).sum();
    const double grad = torch::autograd::grad({d}, {kv})[0].item<double>();
    const double h = 1e-6;
    auto f = [&](double kk) { return sg::distance(sg::expmap0(x, k(kk)), sg::expmap0(y, k(kk)), k(kk)).sum().item<double>(); };
    const double numeric = (f(kappa + h) - f(kappa - h)) / (2 * h);
    EXPECT_NEAR(grad, numeric, 1e-5 * std::max(1.0, std::abs(numeric))) << "kappa " << kappa;
    EXPECT_TRUE(std::isfinite(grad));
  }
}

TEST(Stereographic, ProjectKeepsBallPointsInside) {
  const at::Tensor far = torch::randn({40, 3}, torch::kFloat64) * 10;
  for (double kappa : {-1.0, -4.0}) {
    const at::Tensor p = sg::project(far, k(kappa));
    EXPECT_LT(p.norm(2, -1).max().item<double>(), 1 / std::sqrt(-kappa));
    EXPECT_TRUE(torch::isfinite(sg::logmap0(p, k(kappa))).all().item<bool>());
  }
  EXPECT_TRUE(torch::equal(sg::project(far, k(1.0)), far));
  EXPECT_TRUE(torch::equal(sg::project(far, k(0.0)), far));
}

}  // namespace
