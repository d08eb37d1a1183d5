#pragma once
/// Cropping a case to the brain's bounding box (most of a BraTS volume is background)
/// and pasting predictions on the crop back onto the full grid. The crop's geometry has
/// its origin moved to the box's first voxel, so a crop written with write_nifti still
/// overlays the original.

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>

#include "datasets/mri/mri_case.h"

namespace moezoo::datasets::mri {

/// A box of voxels [begin, end) in tensor order (D, H, W).
struct CropBox {
  std::array<int64_t, 3> begin{0, 0, 0};
  std::array<int64_t, 3> end{0, 0, 0};
  std::array<int64_t, 3> shape() const { return {end[0] - begin[0], end[1] - begin[1], end[2] - begin[2]}; }
};

/// The bounding box of `mask` [D, H, W] grown by `margin` voxels on each side, within the
/// volume. An empty mask gives the whole volume.
CropBox bounding_box(const at::Tensor& mask, int64_t margin = 0);

/// tensor [..., D, H, W] -> [..., d, h, w], the box's voxels.
at::Tensor crop(const at::Tensor& tensor, const CropBox& box);

/// `geometry` of the box: size {w, h, d}, origin at the box's first voxel.
Geometry crop_geometry(const Geometry& geometry, const CropBox& box);

/// The case cropped to its brain (brain_mask of the image) with `margin`: image, label
/// and geometry.
MriCase crop_to_brain(const MriCase& c, int64_t margin = 0);

/// tensor [..., d, h, w] on `box` -> [..., D, H, W] of `full_shape` (D, H, W), `fill` outside.
at::Tensor uncrop(const at::Tensor& tensor, const CropBox& box, const std::array<int64_t, 3>& full_shape,
                  double fill = 0.0);

}  // namespace moezoo::datasets::mri
