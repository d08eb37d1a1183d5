#pragma once
/// Square patches around pixels, the input of patch-based classifiers (2-D/3-D CNNs,
/// spectral-spatial transformers). Patches of border pixels come from a reflect-padded
/// cube: numpy's 'reflect' mode and torch's ReflectionPad2d, the edge pixel not
/// repeated (row -1 is row 1, row H is row H-2). So a patch never holds made-up zeros,
/// and the radius must stay below the image's height and width.

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace moezoo::datasets::hsi {

/// cube [H, W, B] -> [H + 2r, W + 2r, B], reflect padding of `radius` r on both axes.
at::Tensor reflect_pad(const at::Tensor& cube, int64_t radius);

/// Pads a cube once and cuts patches from it batch by batch.
class PatchExtractor {
 public:
  /// cube: [H, W, B]; patch_size P odd (radius (P - 1) / 2 < H, W).
  PatchExtractor(const at::Tensor& cube, int64_t patch_size);

  /// pixels: [N] int64 flat indices r * W + c -> [N, B, P, P] float32, the patch of
  /// pixel (r, c) centred on it: out[n][b][i][j] = cube[r - R + i][c - R + j][b] with
  /// reflected coordinates.
  at::Tensor operator()(const at::Tensor& pixels) const;

  int64_t patch_size() const { return patch_size_; }
  int64_t height() const { return height_; }
  int64_t width() const { return width_; }

 private:
  at::Tensor padded_;  ///< [B, (H + 2R) * (W + 2R)]
  int64_t patch_size_, height_, width_;
};

/// PatchExtractor(cube, patch_size)(pixels), for one-off use.
at::Tensor extract_patches(const at::Tensor& cube, const at::Tensor& pixels, int64_t patch_size);

}  // namespace moezoo::datasets::hsi
