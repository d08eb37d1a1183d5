#pragma once
/// Principal component analysis of the spectra of a cube, the usual first step of
/// patch-based HSI classifiers (HybridSN keeps 30 components of Indian Pines, 15 of
/// Pavia University): x -> (x - mean) V_k with V_k the k leading eigenvectors of the
/// band covariance.

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace moezoo::datasets::hsi {

struct PcaProjection {
  at::Tensor mean;                ///< [B] float64
  at::Tensor components;          ///< [B, k] float64, orthonormal columns, by decreasing variance
  at::Tensor explained_variance;  ///< [k] float64, decreasing (population covariance, ddof 0)
  double total_variance = 0.0;    ///< trace of the covariance: explained_variance / total_variance is the ratio

  int64_t num_components() const { return components.size(1); }

  /// cube [H, W, B] (or [N, B]) -> [H, W, k] (or [N, k]) float32
  at::Tensor project(const at::Tensor& cube) const;
  /// [H, W, k] (or [N, k]) -> [H, W, B] (or [N, B]) float32: mean + scores V_k^T
  at::Tensor reconstruct(const at::Tensor& scores) const;
};

/// Fits k components on cube [H, W, B] over the pixels where `pixels` [H, W] bool is
/// true (undefined: all). Works in float64 through the eigendecomposition of the B x B
/// covariance (at::linalg_eigh), so it costs O(N B^2 + B^3) whatever the image size.
/// Each component's sign is fixed so that its largest-magnitude entry is positive,
/// which makes the result deterministic. Needs 1 <= k <= B.
PcaProjection fit_pca(const at::Tensor& cube, int64_t k, const at::Tensor& pixels = {});

}  // namespace moezoo::datasets::hsi
