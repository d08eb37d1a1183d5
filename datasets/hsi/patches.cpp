#include "datasets/hsi/patches.h"

#include <ATen/ATen.h>

#include "core/util/error.h"

namespace moezoo::datasets::hsi {

namespace {

void check_radius(const at::Tensor& cube, int64_t radius) {
  check_input(cube.dim() == 3, "patches", "expected a cube [H, W, B]");
  check_input(radius >= 0 && radius < cube.size(0) && radius < cube.size(1), "patches",
              "reflect padding by " + std::to_string(radius) + " needs an image larger than that, not " +
                  std::to_string(cube.size(0)) + "x" + std::to_string(cube.size(1)));
}

}  // namespace

at::Tensor reflect_pad(const at::Tensor& cube, int64_t radius) {
  check_radius(cube, radius);
  if (radius == 0) return cube.to(at::kFloat).clone();
  // reflection_pad2d works on [C, H, W]: bands first, then back.
  const auto x = cube.permute({2, 0, 1}).to(at::kFloat).contiguous();
  return at::reflection_pad2d(x, {radius, radius, radius, radius}).permute({1, 2, 0}).contiguous();
}

PatchExtractor::PatchExtractor(const at::Tensor& cube, int64_t patch_size)
    : patch_size_(patch_size), height_(cube.size(0)), width_(cube.size(1)) {
  check_input(patch_size >= 1 && patch_size % 2 == 1, "patches",
              "patch size must be odd, not " + std::to_string(patch_size));
  const auto padded = reflect_pad(cube, (patch_size - 1) / 2);  // [H + 2R, W + 2R, B]
  padded_ = padded.permute({2, 0, 1}).reshape({padded.size(2), -1}).contiguous();
}

at::Tensor PatchExtractor::operator()(const at::Tensor& pixels) const {
  check_input(pixels.dim() == 1 && pixels.scalar_type() == at::kLong, "patches", "pixels must be int64 [N]");
  if (pixels.numel() > 0)
    check_input(pixels.min().item<int64_t>() >= 0 && pixels.max().item<int64_t>() < height_ * width_, "patches",
                "pixel index outside the " + std::to_string(height_) + "x" + std::to_string(width_) + " image");
  const int64_t p = patch_size_, padded_width = width_ + p - 1, n = pixels.size(0);
  // In padded coordinates the patch of (r, c) starts at (r, c): rows r..r+P-1, cols c..c+P-1.
  const auto offsets = at::arange(p, at::kLong);
  const auto rows = (pixels.div(width_, "floor")).unsqueeze(1) + offsets;                  // [N, P]
  const auto cols = pixels.remainder(width_).unsqueeze(1) + offsets;                       // [N, P]
  const auto flat = (rows.unsqueeze(2) * padded_width + cols.unsqueeze(1)).reshape({-1});  // [N * P * P]
  return padded_.index_select(1, flat).view({padded_.size(0), n, p, p}).permute({1, 0, 2, 3}).contiguous();
}

at::Tensor extract_patches(const at::Tensor& cube, const at::Tensor& pixels, int64_t patch_size) {
  return PatchExtractor(cube, patch_size)(pixels);
}

}  // namespace moezoo::datasets::hsi
