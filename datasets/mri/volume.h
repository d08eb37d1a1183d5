#pragma once
/// A 3-d image as a tensor plus its geometry.
///
/// Index order: ITK indexes a voxel (i, j, k) with i (x) fastest in memory; the tensor
/// is [D, H, W] = [size z, size y, size x] and data[k][j][i] is ITK voxel (i, j, k), so
/// the tensor's memory is ITK's buffer unchanged (no transpose on read or write).

#include <ATen/core/Tensor.h>

#include "datasets/mri/geometry.h"

namespace moezoo::datasets::mri {

/// One image: data [D, H, W] (float32 from read_nifti) and where it lies in space.
struct Volume {
  at::Tensor data;    ///< [D, H, W]; data[k][j][i] = ITK voxel (i, j, k)
  Geometry geometry;  ///< size = {W, H, D}
};

}  // namespace moezoo::datasets::mri
