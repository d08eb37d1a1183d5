#pragma once
/// The real small scenes of the unmixing benchmarks, used as classification data:
///
/// | name | files (under <root>/hsi/unmixing) | cube | classes |
/// |---|---|---|---|
/// | samson | Samson.mat (Y 156 x 9025 float64, nRow = nCol = 95) + _EndSamson.mat (A 3 x 9025) | 95x95x156, Y as
/// stored (reflectance in [0, 1]) | rock, Tree, water | | jasper_ridge | JasperRidge2_R198.mat (Y 198 x 10000 uint16,
/// maxValue 5000) + _EndJasperRidge2_R198.mat (A 4 x 10000) | 100x100x198, Y / maxValue (18 values exceed maxValue: the
/// cube reaches 1.087) | tree, water, dirt, road | | urban | _EndUrban_R162.mat (M 162 x 4, A 4 x 94249, nRow = nCol =
/// 307) | 307x307x162, M * A, plus noise at `snr_db` | Asphalt Road, Grass, Tree, Roof |
///
/// Label = 1 + the endmember of largest abundance (first on ties: Urban has 1511 pixels
/// whose two largest abundances are equal), or 0 (unlabeled) where that abundance is
/// below `abundance_threshold`. The class names are the files' own `cood` names (Samson's
/// first endmember is "rock", where the usual description says soil).
/// The Urban cube itself is not in the shared data: the reconstruction M * A from its
/// real endmembers and abundances stands in for it, optionally with white Gaussian noise.

#include <cstdint>
#include <filesystem>
#include <limits>

#include "datasets/hsi/hsi_scene.h"

namespace moezoo::datasets::hsi {

struct UnmixingSceneOptions {
  /// A pixel is labelled only when its largest abundance reaches this (0: all pixels).
  double abundance_threshold = 0.0;
  /// Urban: SNR in dB of the noise added to M * A; infinity: none.
  double snr_db = std::numeric_limits<double>::infinity();
  uint64_t seed = 0;  ///< of the noise
};

HsiScene load_samson(const std::filesystem::path& data_root, const UnmixingSceneOptions& options = {});
HsiScene load_jasper_ridge(const std::filesystem::path& data_root, const UnmixingSceneOptions& options = {});
HsiScene load_urban(const std::filesystem::path& data_root, const UnmixingSceneOptions& options = {});

}  // namespace moezoo::datasets::hsi
