#pragma once
/// Training patches: a random box of the (normalised, brain-cropped) case, centred on a
/// tumour voxel with probability `foreground_fraction` (nnU-Net oversamples foreground a
/// third of the time; tumours are a few percent of a brain), flipped along each axis with
/// probability 1/2 (brains are nearly symmetric and the model must not learn a side),
/// and with a random per-channel intensity scale and shift (scanner gain differences).
/// Every draw comes from the caller's generator, so a seed fixes the patches.

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <random>

namespace moezoo::datasets::mri {

/// Options of sample_patch.
struct PatchOptions {
  std::array<int64_t, 3> size{128, 128, 128};  ///< d, h, w
  double foreground_fraction = 0.33;           ///< chance of centring on a label > 0 voxel
  bool flip = true;                            ///< flip each axis with probability 1/2
  double intensity_scale = 0.1;                ///< channel *= U(1 - s, 1 + s)
  double intensity_shift = 0.1;                ///< channel += U(-t, t) (z-score units), inside the brain
};

/// One patch and where it came from.
struct Patch {
  at::Tensor image;                ///< [C, d, h, w] float32
  at::Tensor label;                ///< [d, h, w] int64 (undefined when the case has none)
  std::array<int64_t, 3> begin{};  ///< first voxel in the (padded) volume, D, H, W
  std::array<bool, 3> flipped{};   ///< which axes were flipped
};

/// A patch of image [C, D, H, W] and label [D, H, W] (may be undefined). Axes shorter than
/// the patch are zero-padded (label 0) at the end. Intensity augmentation changes only
/// non-zero voxels, so the background stays 0.
Patch sample_patch(const at::Tensor& image, const at::Tensor& label, const PatchOptions& options, std::mt19937_64& rng);

}  // namespace moezoo::datasets::mri
