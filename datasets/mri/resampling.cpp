#include "datasets/mri/resampling.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/util/error.h"

namespace moezoo::datasets::mri {

namespace F = torch::nn::functional;

namespace {

/// [C, D, H, W] or [D, H, W] -> [1, C, D, H, W] float32, and whether a channel axis was added.
at::Tensor as_batch(const at::Tensor& volume, const char* where) {
  check_input(volume.defined() && (volume.dim() == 3 || volume.dim() == 4), where,
              "expected a [D, H, W] or [C, D, H, W] volume");
  const auto x = volume.to(torch::kFloat);
  return volume.dim() == 3 ? x.unsqueeze(0).unsqueeze(0) : x.unsqueeze(0);
}

std::vector<int64_t> to_vector(const std::array<int64_t, 3>& shape) { return {shape[0], shape[1], shape[2]}; }

void check_shape(const std::array<int64_t, 3>& shape, const char* where) {
  check_input(shape[0] >= 1 && shape[1] >= 1 && shape[2] >= 1, where, "target shape must be positive");
}

}  // namespace

Geometry resized_geometry(const Geometry& geometry, const std::array<int64_t, 3>& shape) {
  check_shape(shape, "resized_geometry");
  Geometry out = geometry;
  std::array<double, 3> shift{};  // in old voxels, x, y, z
  for (int a = 0; a < 3; ++a) {
    const int d = 2 - a;  // ITK axis a <-> tensor axis d
    const double scale = static_cast<double>(geometry.size[a]) / static_cast<double>(shape[d]);
    out.size[a] = shape[d];
    out.spacing[a] = geometry.spacing[a] * scale;
    shift[a] = (scale - 1.0) / 2.0;
  }
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) out.origin[r] += geometry.direction[r * 3 + c] * geometry.spacing[c] * shift[c];
  return out;
}

std::array<int64_t, 3> shape_for_spacing(const Geometry& geometry, double spacing_mm) {
  check_input(spacing_mm > 0.0 && std::isfinite(spacing_mm), "spacing", "must be a positive number of mm");
  std::array<int64_t, 3> shape{};
  for (int a = 0; a < 3; ++a) {
    const double extent = static_cast<double>(geometry.size[a]) * geometry.spacing[a];
    shape[2 - a] = std::max<int64_t>(1, std::llround(extent / spacing_mm));
  }
  return shape;
}

at::Tensor resize_intensities(const at::Tensor& volume, const std::array<int64_t, 3>& shape) {
  check_shape(shape, "resize_intensities");
  const auto x = as_batch(volume, "resize_intensities");
  const bool shrink = x.size(2) >= shape[0] && x.size(3) >= shape[1] && x.size(4) >= shape[2];
  const auto y = shrink ? F::adaptive_avg_pool3d(x, F::AdaptiveAvgPool3dFuncOptions(to_vector(shape)))
                        : F::interpolate(x, F::InterpolateFuncOptions()
                                                .size(to_vector(shape))
                                                .mode(torch::kTrilinear)
                                                .align_corners(false));
  return volume.dim() == 3 ? y.squeeze(0).squeeze(0) : y.squeeze(0);
}

at::Tensor resize_labels(const at::Tensor& labels, const std::array<int64_t, 3>& shape) {
  check_shape(shape, "resize_labels");
  check_input(labels.defined() && labels.dim() == 3, "resize_labels", "expected a [D, H, W] label map");
  const at::Tensor values = std::get<0>(at::_unique(labels.to(torch::kLong)));  // sorted label values [L]
  // [L, D, H, W] indicators -> [L, d, h, w] shares -> index of the largest share.
  const at::Tensor indicators = labels.to(torch::kLong).unsqueeze(0).eq(values.view({-1, 1, 1, 1}));
  const at::Tensor shares = resize_intensities(indicators.to(torch::kFloat), shape);
  return values.index_select(0, shares.argmax(0).flatten()).view({shape[0], shape[1], shape[2]});
}

}  // namespace moezoo::datasets::mri
