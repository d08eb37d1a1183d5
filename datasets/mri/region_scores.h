#pragma once
/// BraTS scoring of a predicted label map: Dice and HD95 (segmentation_metrics.h, with its
/// empty-mask convention) of the ET, TC and WT regions, distances in mm on the case's
/// spacing.

#include <ATen/core/Tensor.h>

#include <array>

#include "datasets/mri/geometry.h"
#include "datasets/mri/segmentation_metrics.h"
#include "datasets/mri/tumor_regions.h"

namespace moezoo::datasets::mri {

/// prediction, reference: [D, H, W] labels in the BraTS 2018-2021 convention -> scores of
/// {ET, TC, WT} (TumorRegion order). The spacing comes from `geometry` (x, y, z).
std::array<RegionScore, kNumRegions> score_brats_regions(const at::Tensor& prediction, const at::Tensor& reference,
                                                         const Geometry& geometry);

}  // namespace moezoo::datasets::mri
