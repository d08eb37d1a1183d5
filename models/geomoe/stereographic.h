#pragma once
/// Operations of the kappa-stereographic model, one chart for the three constant-
/// curvature spaces (Bachmann, Becigneul & Ganea, "Constant Curvature Graph
/// Convolutional Networks", ICML 2020, section 3; geoopt's `stereographic` math):
/// kappa < 0 is the Poincare ball of radius 1/sqrt(-kappa) (hyperbolic), kappa = 0
/// is Euclidean space, kappa > 0 is the stereographic projection of the sphere.
///
///   tan_k(u)    = tan(sqrt(k) u)/sqrt(k)  (k > 0),  u (k = 0),  tanh(sqrt(-k) u)/sqrt(-k)  (k < 0)
///   x (+)_k y   = ((1 - 2k<x,y> - k|y|^2) x + (1 + k|x|^2) y) / (1 - 2k<x,y> + k^2 |x|^2 |y|^2)
///   exp0_k(u)   = tan_k(|u|) u / |u|
///   log0_k(y)   = arctan_k(|y|) y / |y|
///   M (x)_k x   = tan_k(|Mx|/|x| arctan_k(|x|)) Mx / |Mx|        (Mobius matrix-vector)
///   d_k(x, y)   = 2 arctan_k(|(-x) (+)_k y|)
///
/// kappa is a 0-d tensor, so a learnable curvature gets its gradient. The formulas
/// are written once for every sign: where |kappa| u^2 < 1e-4, tan_k and arctan_k use
/// their fifth-order series in kappa (the same for both signs), which makes kappa = 0
/// exactly Euclidean and keeps the gradient in kappa accurate through 0. Note that the
/// chart's metric is 2/(1 + kappa |x|^2) times the Euclidean one, so at kappa = 0 the
/// distance is 2 |x - y| (Bachmann et al., section 3.2).
/// Norms are clamped below by 1e-15 (directions of zero vectors are 0, not NaN), and
/// project() keeps hyperbolic points inside the ball by a relative margin of 4e-3
/// (float32) or 1e-5 (float64), as geoopt does; spherical points need no projection.

#include <ATen/core/Tensor.h>

namespace moezoo::models::geomoe::stereographic {

/// tan_k(u), elementwise; u: any shape, kappa: 0-d.
at::Tensor tan_k(const at::Tensor& u, const at::Tensor& kappa);
/// arctan_k(u), the inverse of tan_k on its range.
at::Tensor arctan_k(const at::Tensor& u, const at::Tensor& kappa);

/// x, y: [..., D] -> [..., D]
at::Tensor mobius_add(const at::Tensor& x, const at::Tensor& y, const at::Tensor& kappa);
/// u: [..., D] tangent vectors at the origin -> points [..., D]
at::Tensor expmap0(const at::Tensor& u, const at::Tensor& kappa);
/// y: [..., D] points -> tangent vectors at the origin [..., D]
at::Tensor logmap0(const at::Tensor& y, const at::Tensor& kappa);
/// weight: [D_out, D_in] (torch::nn::Linear's layout), x: [..., D_in] -> [..., D_out]
at::Tensor mobius_matvec(const at::Tensor& weight, const at::Tensor& x, const at::Tensor& kappa);
/// Geodesic distance: x, y: [..., D] -> [...]
at::Tensor distance(const at::Tensor& x, const at::Tensor& y, const at::Tensor& kappa);
/// Keeps points of the ball (kappa < 0) strictly inside it; identity for kappa >= 0.
at::Tensor project(const at::Tensor& x, const at::Tensor& kappa);

}  // namespace moezoo::models::geomoe::stereographic
