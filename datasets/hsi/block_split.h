#pragma once
/// Spatially disjoint train/validation/test split. Random pixel splits put training
/// and test pixels side by side, so the patch of a test pixel overlaps training pixels
/// and accuracy is inflated (Liang et al., "On the sampling strategy for evaluation of
/// spectral-spatial methods in hyperspectral image classification", TGRS 2017). Here the
/// image is cut into a grid of block_size x block_size blocks and whole blocks go to
/// one set each.
///
/// Assignment: blocks holding labelled pixels, in a random order (seeded), each go to
/// train or validation when that set still lacks pixels of the block's classes --
/// precisely, when at least half of the block's labelled pixels fill per-class
/// shortfalls of its target (train_fraction * n_c, val_fraction * n_c; the set with
/// the larger share wins) -- and to test otherwise. Fractions are therefore met to
/// about a block.
///
/// Guarantee: with margin m, a pixel is kept only when no pixel of a block of another
/// set lies within Chebyshev distance m of it. So any kept pixels of two different sets
/// are more than m apart, and with m >= the patch radius no patch of a test pixel
/// contains a training pixel (nor the other way round). margin 0 keeps every labelled
/// pixel, and the blocks alone separate the sets.

#include <ATen/core/Tensor.h>

#include <cstdint>

#include "datasets/hsi/pixel_splits.h"

namespace moezoo::datasets::hsi {

struct BlockSplitOptions {
  int64_t block_size = 16;
  double train_fraction = 0.3;
  double val_fraction = 0.0;
  int64_t margin = 0;  ///< set to the patch radius for patch models
  uint64_t seed = 0;
};

/// Block of each pixel: [H, W] int64, (r / block_size) * ceil(W / block_size) + c / block_size.
at::Tensor block_ids(int64_t height, int64_t width, int64_t block_size);

/// labels: [H, W] int64 in 0..num_classes (0 unlabeled).
PixelSplit disjoint_block_split(const at::Tensor& labels, int64_t num_classes, const BlockSplitOptions& options);

}  // namespace moezoo::datasets::hsi
