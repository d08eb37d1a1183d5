#pragma once
/// A deterministic synthetic hyperspectral scene, so that the LGEST pipeline runs and
/// means something on a machine without data (the embedded default dataset).
///
/// Linear mixing with real spectra: E endmember spectra M [B, E] and, at every pixel,
/// abundances a [E] >= 0 summing to 1; the pixel is M a plus white Gaussian noise at
/// `snr_db` (spectral_noise.h). The abundance maps are smooth: E fields of white noise,
/// each blurred by a Gaussian of `smoothness` pixels (separable, reflect borders),
/// standardised, and turned into abundances by a softmax over endmembers with
/// `sharpness` as inverse temperature -- large sharpness gives nearly pure regions with
/// thin mixed borders, small sharpness gives mixtures everywhere. Label = 1 + the
/// endmember of largest abundance, so regions are spatially coherent, as in real
/// scenes, and mixed borders are the hard pixels.
///
/// Endmembers (`endmembers`):
///   cuprite       the 12 mineral spectra of _EndCupriteS1_R188.mat (188 bands)
///   samson        3 (156 bands), jasper_ridge 4 (198), urban 4 (162): their _End*.mat
///   procedural    smooth positive spectra of `procedural_bands` bands, each a sum of a
///                 few random Gaussian bumps on a slope (no file needed)
///   auto          cuprite when its file is under <data_root>/hsi, procedural otherwise;
///                 `source` says which was used
/// The first `num_classes` endmembers of the source are used.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "datasets/hsi/hsi_scene.h"

namespace moezoo::datasets::hsi {

struct SyntheticSceneOptions {
  int64_t height = 64;
  int64_t width = 64;
  int64_t num_classes = 6;
  std::string endmembers = "auto";  ///< auto | cuprite | samson | jasper_ridge | urban | procedural
  int64_t procedural_bands = 128;
  double smoothness = 4.0;  ///< Gaussian blur sigma of the abundance fields, in pixels
  double sharpness = 4.0;   ///< softmax inverse temperature on the standardised fields
  double snr_db = 30.0;     ///< infinity: no noise
  uint64_t seed = 0;
};

/// [B, E] float64 smooth positive spectra in (0, 1), seeded.
at::Tensor procedural_endmembers(int64_t bands, int64_t count, uint64_t seed);

/// [E, H, W] float64 abundances (>= 0, summing to 1 at every pixel) as described above.
at::Tensor smooth_abundances(int64_t count, int64_t height, int64_t width, double smoothness, double sharpness,
                             uint64_t seed);

/// The scene; files come from <data_root>/hsi (data_root may be empty for procedural).
HsiScene make_synthetic_scene(const SyntheticSceneOptions& options, const std::filesystem::path& data_root);

}  // namespace moezoo::datasets::hsi
