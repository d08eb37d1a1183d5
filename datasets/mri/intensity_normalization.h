#pragma once
/// Per-modality intensity normalisation inside the brain, as nnU-Net and the BraTS
/// winners do: skull-stripped MRI has a zero background whose share of the volume
/// varies from case to case, so statistics over the whole volume would depend on the
/// head size. The brain mask is where any modality is non-zero.

#include <ATen/core/Tensor.h>

namespace moezoo::datasets::mri {

/// image [C, D, H, W] -> [D, H, W] bool: voxels where any channel is non-zero.
at::Tensor brain_mask(const at::Tensor& image);

/// image [C, D, H, W], mask [D, H, W] bool -> [C, D, H, W] float32: each channel minus its
/// mean over the mask, divided by its standard deviation over the mask (1 when below
/// 1e-8, a constant channel), and 0 outside the mask. An empty mask gives all zeros.
at::Tensor zscore_in_mask(const at::Tensor& image, const at::Tensor& mask);

}  // namespace moezoo::datasets::mri
