#include "datasets/hsi/pca.h"

#include <ATen/ATen.h>

#include "core/util/error.h"

namespace moezoo::datasets::hsi {

namespace {

/// [..., n] -> ([P, n] float64 rows, the leading shape)
std::pair<at::Tensor, std::vector<int64_t>> as_rows(const at::Tensor& x, int64_t n, const char* what) {
  check_input(x.dim() >= 2 && x.size(-1) == n, "pca",
              std::string(what) + " must end in " + std::to_string(n) + " values");
  std::vector<int64_t> lead(x.sizes().begin(), x.sizes().end() - 1);
  return {x.reshape({-1, n}).to(at::kDouble), lead};
}

at::Tensor with_last(std::vector<int64_t> lead, int64_t last, const at::Tensor& rows) {
  lead.push_back(last);
  return rows.to(at::kFloat).reshape(lead);
}

}  // namespace

at::Tensor PcaProjection::project(const at::Tensor& cube) const {
  auto [rows, lead] = as_rows(cube, mean.size(0), "the cube");
  return with_last(lead, num_components(), at::matmul(rows - mean, components));
}

at::Tensor PcaProjection::reconstruct(const at::Tensor& scores) const {
  auto [rows, lead] = as_rows(scores, num_components(), "the scores");
  return with_last(lead, mean.size(0), at::matmul(rows, components.t()) + mean);
}

PcaProjection fit_pca(const at::Tensor& cube, int64_t k, const at::Tensor& pixels) {
  check_input(cube.dim() == 3, "pca", "expected a cube [H, W, B]");
  const int64_t bands = cube.size(2);
  check_input(k >= 1 && k <= bands, "pca",
              "components must lie in [1, " + std::to_string(bands) + "], not " + std::to_string(k));
  at::Tensor x = cube.reshape({-1, bands}).to(at::kDouble);
  if (pixels.defined()) {
    check_input(pixels.scalar_type() == at::kBool && pixels.dim() == 2 && pixels.size(0) == cube.size(0) &&
                    pixels.size(1) == cube.size(1),
                "pca", "the pixel mask must be bool [H, W] like the cube");
    x = x.index_select(0, pixels.reshape({-1}).nonzero().reshape({-1}));
  }
  check_input(x.size(0) >= 2, "pca", "needs at least two pixels");
  PcaProjection p;
  p.mean = x.mean(0);
  const at::Tensor centred = x - p.mean;
  const at::Tensor covariance = at::matmul(centred.t(), centred) / static_cast<double>(x.size(0));
  auto [values, vectors] = at::linalg_eigh(covariance);  // ascending
  const at::Tensor order = at::arange(bands - 1, bands - 1 - k, -1, at::kLong);
  p.explained_variance = values.index_select(0, order).clamp_min(0.0);
  at::Tensor v = vectors.index_select(1, order);                        // [B, k]
  const at::Tensor peak = v.gather(0, v.abs().argmax(0).unsqueeze(0));  // [1, k]: each column's largest |entry|
  p.components = v * (1.0 - 2.0 * (peak < 0).to(at::kDouble));
  p.total_variance = values.clamp_min(0.0).sum().item<double>();
  return p;
}

}  // namespace moezoo::datasets::hsi
