#pragma once
/// Changing a volume's voxel grid while keeping it in place in physical space: the model
/// works at one spacing (a coarser one trains and runs faster on a CPU), the data comes
/// at another (BraTS: 1 mm), and predictions go back onto the input's grid.
///
/// Grids are resized over the same physical extent: voxel edges stay where they were, so
/// with scale = old size / new size along an axis, the new spacing is old spacing * scale
/// and the first voxel's centre moves (scale - 1) / 2 old voxels inwards (PyTorch's
/// align_corners = false convention, which interpolate() then follows exactly).

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>

#include "datasets/mri/geometry.h"

namespace moezoo::datasets::mri {

/// `geometry` resized to `shape` (D, H, W) over the same extent (see above).
Geometry resized_geometry(const Geometry& geometry, const std::array<int64_t, 3>& shape);

/// The grid shape (D, H, W) that covers `geometry`'s extent at about `spacing_mm` per voxel
/// (each axis rounded, at least 1). spacing_mm must be > 0.
std::array<int64_t, 3> shape_for_spacing(const Geometry& geometry, double spacing_mm);

/// Intensities or probabilities [C, D, H, W] (or [D, H, W]) -> the same on `shape`:
/// area averaging when every axis shrinks (no aliasing), trilinear otherwise. float32 out.
at::Tensor resize_intensities(const at::Tensor& volume, const std::array<int64_t, 3>& shape);

/// A label map [D, H, W] (integer) -> [shape] int64, as nnU-Net resamples segmentations:
/// each label's indicator is resized like an intensity (area average when shrinking,
/// trilinear when growing) and every voxel takes the label of the largest share. Unlike
/// nearest-neighbour sampling, a structure thinner than the new voxels (an enhancing rim
/// at 2 mm) keeps its voxels wherever it is the local majority, and a block-aligned
/// map survives a 2x down-up round trip exactly.
at::Tensor resize_labels(const at::Tensor& labels, const std::array<int64_t, 3>& shape);

}  // namespace moezoo::datasets::mri
