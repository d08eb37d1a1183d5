#pragma once
/// Per-band normalisation of a cube. Statistics are fitted on chosen pixels (the
/// training pixels, so that no test statistic leaks into training, or every pixel as
/// most HSI papers do) and applied to the whole cube.

#include <ATen/core/Tensor.h>

#include <string>

namespace moezoo::datasets::hsi {

enum class BandNormalization {
  None,
  Standardize,  ///< (x - mean_b) / std_b
  MinMax,       ///< (x - min_b) / (max_b - min_b), into [0, 1] on the fitted pixels
};

/// "none", "standardize", "minmax" -> kind; anything else an Error naming `where` and the valid names.
BandNormalization parse_band_normalization(const std::string& name, const std::string& where);

/// x -> (x - offset) / scale per band. A constant band (std or range 0) gets scale 1,
/// so it maps to 0 rather than NaN.
struct BandScaler {
  at::Tensor offset;  ///< [B] float32
  at::Tensor scale;   ///< [B] float32, > 0

  /// cube: [..., B] -> [..., B] float32
  at::Tensor apply(const at::Tensor& cube) const;
};

/// Fits `kind` on cube [H, W, B] over the pixels where `pixels` [H, W] bool is true
/// (undefined: all pixels). Statistics are computed in float64; the standard deviation
/// is the population one (numpy's default, ddof 0).
BandScaler fit_band_scaler(const at::Tensor& cube, BandNormalization kind, const at::Tensor& pixels = {});

}  // namespace moezoo::datasets::hsi
