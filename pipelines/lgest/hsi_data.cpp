#include "pipelines/lgest/hsi_data.h"

#include <torch/torch.h>

#include <cmath>
#include <iostream>
#include <limits>
#include <sstream>

#include "core/util/error.h"
#include "datasets/hsi/block_split.h"

namespace moezoo::pipelines::lgest {

namespace hsi = datasets::hsi;
namespace fs = std::filesystem;

namespace {

std::string percent_text(double fraction) {
  std::ostringstream out;
  out << 100 * fraction << "%";
  return out.str();
}

std::string normalization_name(hsi::BandNormalization kind) {
  switch (kind) {
    case hsi::BandNormalization::None:
      return "none";
    case hsi::BandNormalization::Standardize:
      return "standardize";
    case hsi::BandNormalization::MinMax:
      return "minmax";
  }
  return "?";
}

}  // namespace

SplitKind parse_split_kind(const std::string& name, const std::string& key) {
  if (name == "fraction") return SplitKind::Fraction;
  if (name == "per_class") return SplitKind::PerClass;
  if (name == "disjoint") return SplitKind::Disjoint;
  if (name == "given") return SplitKind::Given;
  throw Error("config key '" + key + "': '" + name + "' is not one of fraction, per_class, disjoint, given");
}

DataSettings data_settings_from_config(const runtime::Config& c) {
  DataSettings s;
  s.name = c.get<std::string>("name", s.name);
  s.fallback_synthetic = c.get<bool>("fallback_synthetic", s.fallback_synthetic);

  auto& f = s.features;
  f.normalize = hsi::parse_band_normalization(c.get<std::string>("normalize", "standardize"), "data.normalize");
  f.pca_bands = c.get<int64_t>("pca_bands", f.pca_bands);
  f.pca_whiten = c.get<bool>("pca_whiten", f.pca_whiten);
  f.patch = c.get<int64_t>("patch", f.patch);
  check_input(f.pca_bands >= 0, "data.pca_bands", "must be >= 0 (0: no PCA), got " + std::to_string(f.pca_bands));
  check_input(f.patch >= 1 && f.patch % 2 == 1, "data.patch", "must be odd and >= 1, got " + std::to_string(f.patch));

  auto& p = s.split;
  p.kind = parse_split_kind(c.get<std::string>("split", "fraction"), "data.split");
  p.train_fraction = c.get<double>("train_fraction", p.train_fraction);
  p.val_fraction = c.get<double>("val_fraction", p.val_fraction);
  p.per_class = c.get<int64_t>("per_class", p.per_class);
  p.val_per_class = c.get<int64_t>("val_per_class", p.val_per_class);
  p.block = c.get<int64_t>("block", p.block);
  p.margin = c.get<int64_t>("margin", p.margin);
  p.seed = static_cast<uint64_t>(c.get<int64_t>("split_seed", 0));
  check_input(p.train_fraction > 0 && p.train_fraction < 1, "data.train_fraction",
              "must lie in (0, 1), got " + std::to_string(p.train_fraction));
  check_input(p.val_fraction >= 0 && p.train_fraction + p.val_fraction < 1, "data.val_fraction",
              "must be >= 0 with train_fraction + val_fraction < 1, got " + std::to_string(p.val_fraction));
  check_input(p.per_class >= 1, "data.per_class", "must be >= 1, got " + std::to_string(p.per_class));
  check_input(p.val_per_class >= 0, "data.val_per_class", "must be >= 0, got " + std::to_string(p.val_per_class));
  check_input(p.block >= 1, "data.block", "must be >= 1, got " + std::to_string(p.block));
  check_input(p.margin >= -1, "data.margin", "must be >= 0, or -1 for the patch radius");

  // Scene options: the unmixing scenes (samson, jasper_ridge, urban) and the synthetic one.
  auto& u = s.scene.unmixing;
  u.abundance_threshold = c.get<double>("abundance_threshold", u.abundance_threshold);
  u.snr_db = c.get<double>("snr_db", std::numeric_limits<double>::infinity());
  u.seed = static_cast<uint64_t>(c.get<int64_t>("noise_seed", 0));
  check_input(u.abundance_threshold >= 0 && u.abundance_threshold <= 1, "data.abundance_threshold",
              "must lie in [0, 1]");
  check_input(!std::isnan(u.snr_db), "data.snr_db", "must be a number in dB, or .inf for no noise");
  auto& y = s.scene.synthetic;
  const auto synthetic = c.at("synthetic");
  y.height = synthetic.get<int64_t>("height", y.height);
  y.width = synthetic.get<int64_t>("width", y.width);
  y.num_classes = synthetic.get<int64_t>("classes", y.num_classes);
  y.endmembers = synthetic.get<std::string>("endmembers", y.endmembers);
  y.procedural_bands = synthetic.get<int64_t>("bands", y.procedural_bands);
  y.smoothness = synthetic.get<double>("smoothness", y.smoothness);
  y.sharpness = synthetic.get<double>("sharpness", y.sharpness);
  y.snr_db = synthetic.get<double>("snr_db", y.snr_db);
  y.seed = static_cast<uint64_t>(synthetic.get<int64_t>("seed", 0));
  check_input(y.height >= 2 && y.width >= 2, "data.synthetic.height", "height and width must be >= 2");
  check_input(y.num_classes >= 2, "data.synthetic.classes", "must be >= 2");
  return s;
}

hsi::PixelSplit make_split(const hsi::HsiScene& scene, const SplitSettings& p, int64_t patch, std::string* split_name) {
  const int64_t classes = scene.num_classes();
  std::ostringstream name;
  hsi::PixelSplit split;
  switch (p.kind) {
    case SplitKind::Fraction:
      split = hsi::stratified_fraction_split(scene.labels, classes, p.train_fraction, p.val_fraction, p.seed);
      name << "random " << percent_text(p.train_fraction) << " per class";
      break;
    case SplitKind::PerClass:
      split = hsi::per_class_count_split(scene.labels, classes, p.per_class, p.val_per_class, p.seed);
      name << "random " << p.per_class << " per class";
      break;
    case SplitKind::Disjoint: {
      hsi::BlockSplitOptions o;
      o.block_size = p.block;
      o.train_fraction = p.train_fraction;
      o.val_fraction = p.val_fraction;
      o.margin = p.margin >= 0 ? p.margin : (patch - 1) / 2;
      o.seed = p.seed;
      split = hsi::disjoint_block_split(scene.labels, classes, o);
      name << "disjoint " << p.block << "x" << p.block << " blocks, " << percent_text(p.train_fraction)
           << " train, margin " << o.margin;
      break;
    }
    case SplitKind::Given:
      check_input(scene.has_given_split(), "data.split",
                  "'given' needs a scene that ships train/test maps (houston2013, pavia_university, indian_pines); " +
                      scene.name + " has none");
      split = hsi::given_map_split(scene.given_train, scene.given_test, classes, p.val_fraction, p.seed);
      name << "given maps (" << scene.given_split << ")";
      break;
  }
  hsi::validate(split, "data.split");
  if (split_name) *split_name = name.str();
  return split;
}

HsiData prepare_hsi_data(hsi::HsiScene scene, const DataSettings& settings) {
  hsi::validate(scene, "data.name=" + settings.name);
  const auto& f = settings.features;
  const int64_t radius = (f.patch - 1) / 2;
  check_input(radius < scene.height() && radius < scene.width(), "data.patch",
              std::to_string(f.patch) + " is too large for the " + std::to_string(scene.height()) + "x" +
                  std::to_string(scene.width()) + " scene (reflect padding needs radius < height, width)");
  check_input(f.pca_bands <= scene.num_bands(), "data.pca_bands",
              std::to_string(f.pca_bands) + " exceeds the scene's " + std::to_string(scene.num_bands()) + " bands");

  HsiData d;
  d.patch = f.patch;
  d.split = make_split(scene, settings.split, f.patch, &d.split_name);
  d.train_pixels = hsi::pixel_indices(d.split.train);
  d.val_pixels = hsi::pixel_indices(d.split.val);
  d.test_pixels = hsi::pixel_indices(d.split.test);
  const std::string counts = std::to_string(d.train_pixels.size(0)) + " train / " +
                             std::to_string(d.val_pixels.size(0)) + " val / " + std::to_string(d.test_pixels.size(0)) +
                             " test pixels";
  check_input(d.train_pixels.size(0) > 0, "data.split", d.split_name + " leaves no training pixel (" + counts + ")");
  const std::string val_key = settings.split.kind == SplitKind::PerClass ? "data.val_per_class" : "data.val_fraction";
  check_input(d.val_pixels.size(0) > 0, val_key,
              d.split_name + " leaves no validation pixel (" + counts + "); train.monitor needs some: raise it");
  check_input(d.test_pixels.size(0) > 0, "data.split", d.split_name + " leaves no test pixel (" + counts + ")");

  // Class index per pixel; the split's labels (a given map may label pixels the ground truth does not).
  d.targets = (d.split.labels.reshape({-1}) - 1).masked_fill(d.split.labels.reshape({-1}) == 0, -1).contiguous();

  // Normalisation and PCA see the training pixels only.
  d.scaler = hsi::fit_band_scaler(scene.cube, f.normalize, d.split.train);
  at::Tensor features = d.scaler.apply(scene.cube);
  std::ostringstream what;
  what << normalization_name(f.normalize) << " normalisation";
  if (f.pca_bands > 0) {
    d.pca = hsi::fit_pca(features, f.pca_bands, d.split.train);
    features = d.pca->project(features);
    if (f.pca_whiten) features = features / d.pca->explained_variance.clamp_min(1e-12).sqrt().to(torch::kFloat32);
    what << " and " << (f.pca_whiten ? "whitened " : "") << "PCA to " << f.pca_bands << " of " << scene.num_bands()
         << " bands (" << 100 * d.pca->explained_variance.sum().item<double>() / std::max(d.pca->total_variance, 1e-300)
         << "% of the training variance)";
  }
  what << " fitted on the " << d.train_pixels.size(0) << " training pixels only (no validation or test statistics)";
  d.preprocessing = what.str();
  d.features = features.to(torch::kFloat32).contiguous();

  // Per-class training counts: a class absent from training is worth a warning.
  const auto train_counts = hsi::class_counts(d.split.labels.masked_fill(~d.split.train, 0), scene.num_classes());
  std::string missing;
  for (int64_t c = 1; c <= scene.num_classes(); ++c)
    if (train_counts[c].item<int64_t>() == 0) missing += (missing.empty() ? "" : ", ") + scene.class_names[c - 1];

  std::ostringstream log;
  log << "moezoo-lgest: " << scene.name << " " << scene.height() << "x" << scene.width() << "x" << scene.num_bands()
      << ", " << scene.num_classes() << " classes (" << scene.source << ")\n"
      << "moezoo-lgest: split " << d.split_name << " (" << d.split.description << "): " << counts << "\n"
      << "moezoo-lgest: " << d.preprocessing << "; patches " << f.patch << "x" << f.patch << " of "
      << d.features.size(2) << " bands\n";
  if (!missing.empty()) log << "warning: no training pixel of class " << missing << "\n";
  d.log = log.str();
  scene.cube = at::Tensor();  // the features replace it
  d.scene = std::move(scene);
  return d;
}

HsiData load_hsi_data(const DataSettings& settings, const fs::path& data_root) {
  hsi::HsiScene scene;
  try {
    scene = hsi::load_scene(settings.name, data_root, settings.scene);
  } catch (const Error& e) {
    // Only missing files fall back: a damaged file stays an error.
    const bool missing = std::string(e.what()).find("not found") != std::string::npos;
    if (!settings.fallback_synthetic || settings.name == "synthetic" || !missing) throw;
    std::cerr << "warning: " << e.what() << "\nwarning: training on the synthetic scene instead "
              << "(data.fallback_synthetic)\n";
    scene = hsi::load_scene("synthetic", data_root, settings.scene);
  }
  return prepare_hsi_data(std::move(scene), settings);
}

}  // namespace moezoo::pipelines::lgest
