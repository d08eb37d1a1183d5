#pragma once
/// The data side of moezoo-lgest: a scene by name (with the synthetic fallback), its
/// train/validation/test pixel split, and the model input cube -- band normalisation
/// and PCA fitted on the TRAINING pixels only, so that no statistic of a validation or
/// test pixel reaches the model, then applied to the whole scene (every pixel is
/// classified by `infer`). The `data:` keys are documented in configs/lgest/base.yaml.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/runtime/config.h"
#include "datasets/hsi/band_normalization.h"
#include "datasets/hsi/hsi_scene.h"
#include "datasets/hsi/pca.h"
#include "datasets/hsi/pixel_splits.h"
#include "datasets/hsi/scene_registry.h"

namespace moezoo::pipelines::lgest {

enum class SplitKind { Fraction, PerClass, Disjoint, Given };

/// "fraction" | "per_class" | "disjoint" | "given"; anything else an Error naming `key`.
SplitKind parse_split_kind(const std::string& name, const std::string& key);

/// How the labelled pixels are split (data.split and its parameters).
struct SplitSettings {
  SplitKind kind = SplitKind::Fraction;
  double train_fraction = 0.1;  ///< fraction, disjoint: share of each class for training
  double val_fraction = 0.05;   ///< fraction, disjoint, given: share for validation
  int64_t per_class = 50;       ///< per_class: training pixels per class
  int64_t val_per_class = 10;   ///< per_class: validation pixels per class
  int64_t block = 20;           ///< disjoint: block side in pixels
  int64_t margin = -1;          ///< disjoint: pixels dropped near other sets' blocks; -1: the patch radius
  uint64_t seed = 0;            ///< data.split_seed
};

/// What the model sees: the normalisation, PCA and patch size.
struct FeatureSettings {
  datasets::hsi::BandNormalization normalize = datasets::hsi::BandNormalization::Standardize;
  int64_t pca_bands = 0;  ///< 0: keep every band
  /// Divide each component by its standard deviation on the training pixels (as
  /// HybridSN's and SSFTT's code do with scikit-learn's PCA(whiten=True)).
  bool pca_whiten = true;
  int64_t patch = 11;  ///< odd
};

struct DataSettings {
  std::string name = "synthetic";
  bool fallback_synthetic = true;
  datasets::hsi::SceneOptions scene;
  SplitSettings split;
  FeatureSettings features;
};

/// Reads every `data:` key (relative to `data`, i.e. config.at("data")) and validates it.
DataSettings data_settings_from_config(const runtime::Config& data);

/// A scene ready for patch models.
struct HsiData {
  datasets::hsi::HsiScene scene;  ///< labels, class names; `cube` is released once `features` exist
  datasets::hsi::PixelSplit split;
  std::string
      split_name;  ///< for tables and reports: "random 10% per class", "disjoint 20x20 blocks, 10% train, margin 5"
  /// [H, W, C] float32, the scene after normalisation and PCA (C = pca_bands or B).
  at::Tensor features;
  datasets::hsi::BandScaler scaler;                 ///< fitted on the training pixels
  std::optional<datasets::hsi::PcaProjection> pca;  ///< fitted on the training pixels
  std::string preprocessing;                        ///< one line for logs and reports
  /// What was loaded and how it was split and preprocessed, as log lines for stderr
  /// (printed by the caller once the config is known to be valid).
  std::string log;
  int64_t patch = 11;
  /// Flat pixel indices r * W + c, ascending: [N] int64 each.
  at::Tensor train_pixels, val_pixels, test_pixels;
  /// [H * W] int64: class index (label - 1) of every labelled pixel, -1 elsewhere.
  at::Tensor targets;

  int64_t num_classes() const { return scene.num_classes(); }
  int64_t num_bands() const { return features.size(2); }
};

/// Loads data.name (or, when its files are missing and data.fallback_synthetic, the
/// synthetic scene with a warning on stderr) and prepares it.
HsiData load_hsi_data(const DataSettings& settings, const std::filesystem::path& data_root);

/// Splits `scene` and builds the features, fitting normalisation and PCA on the
/// training pixels only. Errors name the data.* key at fault (a split with no training,
/// validation or test pixel, a patch larger than the scene, pca_bands > bands).
HsiData prepare_hsi_data(datasets::hsi::HsiScene scene, const DataSettings& settings);

/// The split of `scene` alone (no features): what prepare_hsi_data uses.
datasets::hsi::PixelSplit make_split(const datasets::hsi::HsiScene& scene, const SplitSettings& split, int64_t patch,
                                     std::string* split_name = nullptr);

}  // namespace moezoo::pipelines::lgest
