#include "models/geomoe/stereographic.h"

#include <torch/torch.h>

namespace moezoo::models::geomoe::stereographic {

namespace {

constexpr double kMinNorm = 1e-15;
/// Where |kappa| u^2 is below this, the fifth-order Taylor series in kappa is exact to
/// ~1e-12 relative, while the closed forms' gradient in kappa would lose digits to
/// cancellation (and divide by zero at kappa = 0).
constexpr double kTaylorLimit = 1e-4;

at::Tensor safe_norm(const at::Tensor& x) { return x.norm(2, -1, /*keepdim=*/true).clamp_min(kMinNorm); }

double ball_margin(const at::Tensor& x) { return x.scalar_type() == at::kDouble ? 1e-5 : 4e-3; }

/// f_pos(sqrt(k) u)/sqrt(k) for k > 0, f_neg(sqrt(-k) u)/sqrt(-k) for k < 0, and
/// u + c3 k u^3 + c5 k^2 u^5 where |k| u^2 is small (the same series for both signs).
/// Every branch is evaluated on safe inputs, so torch::where's unused branch produces
/// no NaN gradient.
template <typename Pos, typename Neg>
at::Tensor curvature_scaled(const at::Tensor& u, const at::Tensor& kappa, double c3, double c5, Pos f_pos, Neg f_neg) {
  const at::Tensor k = kappa.to(u.scalar_type());
  const at::Tensor u2 = u * u;
  const at::Tensor small = k.abs() * u2 < kTaylorLimit;
  const at::Tensor taylor = u * (1 + k * u2 * (c3 + c5 * k * u2));
  const at::Tensor s = torch::where(k == 0, torch::ones_like(k), k.abs()).sqrt();
  const at::Tensor closed = torch::where(k > 0, f_pos(s * u) / s, f_neg(s * u) / s);
  return torch::where(small, taylor, closed);
}

}  // namespace

at::Tensor tan_k(const at::Tensor& u, const at::Tensor& kappa) {
  // tan for k > 0 is only ever evaluated on |sqrt(k) u| < pi / 2 by callers that keep
  // points in the chart; the clamp guards against an infinite gradient at the pole.
  return curvature_scaled(
      u, kappa, 1.0 / 3.0, 2.0 / 15.0, [](const at::Tensor& v) { return torch::tan(v.clamp(-1.5707, 1.5707)); },
      [](const at::Tensor& v) { return torch::tanh(v); });
}

at::Tensor arctan_k(const at::Tensor& u, const at::Tensor& kappa) {
  return curvature_scaled(
      u, kappa, -1.0 / 3.0, 1.0 / 5.0, [](const at::Tensor& v) { return torch::atan(v); },
      // artanh is finite only inside the ball; project() keeps points there.
      [](const at::Tensor& v) { return torch::atanh(v.clamp(-1 + 1e-7, 1 - 1e-7)); });
}

at::Tensor mobius_add(const at::Tensor& x, const at::Tensor& y, const at::Tensor& kappa) {
  const at::Tensor k = kappa.to(x.scalar_type());
  const at::Tensor x2 = x.pow(2).sum(-1, true), y2 = y.pow(2).sum(-1, true), xy = (x * y).sum(-1, true);
  const at::Tensor num = (1 - 2 * k * xy - k * y2) * x + (1 + k * x2) * y;
  const at::Tensor den = 1 - 2 * k * xy + k * k * x2 * y2;
  return num / den.clamp_min(kMinNorm);
}

at::Tensor expmap0(const at::Tensor& u, const at::Tensor& kappa) {
  const at::Tensor n = safe_norm(u);
  return tan_k(n, kappa) * u / n;
}

at::Tensor logmap0(const at::Tensor& y, const at::Tensor& kappa) {
  const at::Tensor n = safe_norm(y);
  return arctan_k(n, kappa) * y / n;
}

at::Tensor mobius_matvec(const at::Tensor& weight, const at::Tensor& x, const at::Tensor& kappa) {
  const at::Tensor mx = torch::matmul(x, weight.t());
  const at::Tensor x_norm = safe_norm(x), mx_norm = safe_norm(mx);
  const at::Tensor out = tan_k(mx_norm / x_norm * arctan_k(x_norm, kappa), kappa) * mx / mx_norm;
  // M x = 0 maps to the origin (the limit of the formula).
  return torch::where((mx == 0).all(-1, true), torch::zeros_like(out), out);
}

at::Tensor distance(const at::Tensor& x, const at::Tensor& y, const at::Tensor& kappa) {
  return 2 * arctan_k(mobius_add(-x, y, kappa).norm(2, -1), kappa);
}

at::Tensor project(const at::Tensor& x, const at::Tensor& kappa) {
  const at::Tensor k = kappa.to(x.scalar_type());
  const at::Tensor radius = (1 - ball_margin(x)) / torch::where(k < 0, -k, torch::ones_like(k)).sqrt();
  const at::Tensor n = safe_norm(x);
  const at::Tensor inside = torch::where(n > radius, x / n * radius, x);
  return torch::where(k < 0, inside, x);
}

}  // namespace moezoo::models::geomoe::stereographic
