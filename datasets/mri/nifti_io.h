#pragma once
/// NIfTI-1 (.nii, .nii.gz) reading and writing through ITK, the geometry kept: what
/// ITK reads (LPS spacing / origin / direction from the sform or qform) is what a write
/// puts back, so a prediction written with its input's geometry overlays the input.

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <string>

#include "datasets/mri/volume.h"

namespace moezoo::datasets::mri {

/// The voxel type a file is written with.
enum class PixelType { kUInt8, kInt16, kInt32, kFloat32 };

/// Reads a 3-d NIfTI image of any scalar pixel type into float32 [D, H, W] with its
/// geometry. A missing, truncated or corrupt file (checked by check_nifti_complete, as
/// ITK itself reads truncated files without complaint), a 4-d or vector image, or
/// non-finite voxels are an Error naming the file.
Volume read_nifti(const std::filesystem::path& path);

/// Writes `data` [D, H, W] (any dtype; converted to `pixel_type`, rounded for the
/// integer types) on `geometry` (whose size must be {W, H, D}) to `path` atomically.
/// The file name must end in .nii or .nii.gz (gzip-compressed).
void write_nifti(const std::filesystem::path& path, const at::Tensor& data, const Geometry& geometry,
                 PixelType pixel_type = PixelType::kFloat32);

/// write_nifti(path, volume.data, volume.geometry, pixel_type).
void write_nifti(const std::filesystem::path& path, const Volume& volume, PixelType pixel_type = PixelType::kFloat32);

/// True for names ending in .nii or .nii.gz.
bool is_nifti_name(const std::filesystem::path& path);

}  // namespace moezoo::datasets::mri
