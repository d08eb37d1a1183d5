#pragma once
/// The grid the model works on, and the way back. A case is cropped to its brain (plus a
/// margin), z-scored per modality inside the brain mask (nnU-Net's MRI normalisation),
/// and resampled to `spacing_mm` (isotropic): 2 mm lets a CPU train, 1 mm is the native
/// BraTS grid. Predictions made on that grid are resized back to the crop (trilinear on
/// the class probabilities, then argmax: probabilities are smooth, labels are not),
/// turned into BraTS labels, confined to the brain mask and pasted into the case's
/// original grid, so that a mask written with the case's geometry overlays its input.

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <string>

#include "datasets/mri/brain_crop.h"
#include "datasets/mri/geometry.h"
#include "datasets/mri/mri_case.h"

namespace moezoo::pipelines::m4fuse {

/// How prepare_case builds the working grid (data.spacing_mm, data.crop_margin).
struct WorkingGridOptions {
  double spacing_mm = 2.0;  ///< isotropic voxel size of the working grid, mm
  int64_t margin = 4;       ///< voxels (original grid) kept around the brain's bounding box
};

/// A case on the working grid, with what restore_labels needs to go back.
struct WorkingCase {
  std::string id;
  at::Tensor image;    ///< [4, d, h, w] float32, z-scored inside the brain, 0 outside
  at::Tensor classes;  ///< [d, h, w] int64 0..3 (label_classes.h); undefined without a label
  int64_t site = 0;    ///< the expert id for site routing (data.site)

  datasets::mri::Geometry geometry;          ///< the original grid (size {W, H, D})
  datasets::mri::CropBox box;                ///< the brain crop on the original grid
  datasets::mri::Geometry working_geometry;  ///< the crop resampled to the working spacing
  at::Tensor brain;                          ///< [cd, ch, cw] bool: brain mask on the crop (original voxels)
  at::Tensor label;  ///< [D, H, W] uint8 BraTS labels on the original grid (scoring); undefined without one

  std::array<int64_t, 3> shape() const { return {image.size(1), image.size(2), image.size(3)}; }
  std::array<int64_t, 3> full_shape() const { return {geometry.size[2], geometry.size[1], geometry.size[0]}; }
};

/// case [4, D, H, W] (+ label) -> the working case. An image without any non-zero voxel
/// is an Error naming the case.
WorkingCase prepare_case(const datasets::mri::MriCase& c, const WorkingGridOptions& options, int64_t site = 0);

/// probabilities [4, d, h, w] on `c`'s working grid -> BraTS labels [D, H, W] int64
/// (0/1/2/4) on the original grid: 0 outside the brain.
at::Tensor restore_labels(const WorkingCase& c, const at::Tensor& probabilities);

}  // namespace moezoo::pipelines::m4fuse
