#pragma once
/// Whole-volume inference from a patch model, as nnU-Net does it: windows tile the
/// volume with a given overlap, each window's logits are weighted by a Gaussian
/// importance map (sigma = 1/8 of the window along each axis, so a window's centre,
/// where the model sees the most context, counts most) and the weighted sums are
/// divided by the summed weights.

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

namespace moezoo::datasets::mri {

/// patches [B, C, d, h, w] -> logits [B, K, d, h, w].
using PatchPredictor = std::function<at::Tensor(const at::Tensor& patches)>;

/// Options of sliding_window_inference.
struct SlidingWindowOptions {
  std::array<int64_t, 3> window{128, 128, 128};  ///< d, h, w
  double overlap = 0.5;                          ///< fraction of the window shared by neighbours, [0, 1)
  int64_t batch_size = 2;                        ///< windows per predictor call
  bool gaussian = true;                          ///< false: every voxel of a window weighs 1
  double sigma_scale = 0.125;                    ///< sigma = sigma_scale * window, per axis
};

/// Window start positions along one axis of `size` voxels: the fewest windows whose step
/// is at most window * (1 - overlap), spread evenly from 0 to size - window (nnU-Net's
/// compute_steps_for_sliding_window). A size below the window gives {0}.
std::vector<int64_t> window_starts(int64_t size, int64_t window, double overlap);

/// [d, h, w] float32 Gaussian centred on the window with sigma = sigma_scale * window,
/// scaled to a maximum of 1, with zeros raised to the smallest non-zero value (as
/// nnU-Net) so that every voxel has weight.
at::Tensor gaussian_importance(const std::array<int64_t, 3>& window, double sigma_scale = 0.125);

/// volume [C, D, H, W] -> [K, D, H, W] float32: the importance-weighted average of the
/// predictor's logits over every window covering each voxel. Axes shorter than the
/// window are zero-padded for the predictor and cropped back. Runs on the volume's
/// device; the predictor receives patches there.
at::Tensor sliding_window_inference(const at::Tensor& volume, const SlidingWindowOptions& options,
                                    const PatchPredictor& predictor);

}  // namespace moezoo::datasets::mri
