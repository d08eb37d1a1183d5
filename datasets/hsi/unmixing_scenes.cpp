#include "datasets/hsi/unmixing_scenes.h"

#include <ATen/ATen.h>

#include <cmath>
#include <sstream>

#include "core/util/error.h"
#include "datasets/hsi/endmembers.h"
#include "datasets/hsi/mat_file.h"
#include "datasets/hsi/scene_files.h"
#include "datasets/hsi/spectral_noise.h"
#include "datasets/hsi/unmixing_layout.h"

namespace moezoo::datasets::hsi {

namespace {

void check_threshold(double threshold) {
  check_input(threshold >= 0.0 && threshold <= 1.0, "abundance_threshold",
              "must lie in [0, 1], not " + std::to_string(threshold));
}

std::string threshold_note(double threshold) {
  if (threshold <= 0.0) return "";
  std::ostringstream out;
  out << ", abundance >= " << threshold;
  return out.str();
}

/// A scene of a cube file (Y [B, P], nRow, nCol) and its endmember file (A [E, P]).
HsiScene cube_and_abundances(const std::string& name, const std::filesystem::path& data_root,
                             const std::string& cube_file, const std::string& end_file, bool scale_by_max_value,
                             const UnmixingSceneOptions& options) {
  check_threshold(options.abundance_threshold);
  const auto cube_path = require_scene_file(data_root, {cube_file}, "the " + name + " cube");
  const auto end_path = require_scene_file(data_root, {end_file}, "the " + name + " endmembers and abundances");
  const MatFile file(cube_path);
  const int64_t rows = static_cast<int64_t>(file.read_scalar("nRow"));
  const int64_t cols = static_cast<int64_t>(file.read_scalar("nCol"));
  const std::string where = cube_path.string() + ": variable 'Y'";
  at::Tensor y = file.read_array("Y").to(at::kDouble);
  check_input(y.dim() == 2 && y.size(1) == rows * cols, where,
              "expected [bands, nRow * nCol = " + std::to_string(rows * cols) + "]");
  if (scale_by_max_value) {
    const double max_value = file.read_scalar("maxValue");
    check_input(max_value > 0, cube_path.string() + ": variable 'maxValue'", "must be positive");
    y = y / max_value;
  }
  const Endmembers end = read_endmembers(end_path);
  check_input(end.abundances.defined() && end.abundances.size(1) == rows * cols, end_path.string() + ": variable 'A'",
              "expected abundances of the " + std::to_string(rows * cols) + " pixels of " + cube_file);
  check_input(end.num_bands() == y.size(0), end_path.string() + ": variable 'M'",
              std::to_string(end.num_bands()) + " bands, the cube has " + std::to_string(y.size(0)));

  HsiScene scene;
  scene.name = name;
  scene.source = cube_file + " + " + end_file + threshold_note(options.abundance_threshold);
  scene.cube = column_major_pixels_to_image(y, rows, cols).to(at::kFloat);
  scene.labels = abundance_labels(end.abundances, rows, cols, options.abundance_threshold);
  scene.class_names = end.names;
  validate(scene, name);
  return scene;
}

}  // namespace

HsiScene load_samson(const std::filesystem::path& data_root, const UnmixingSceneOptions& options) {
  return cube_and_abundances("samson", data_root, "Samson.mat", "_EndSamson.mat", false, options);
}

HsiScene load_jasper_ridge(const std::filesystem::path& data_root, const UnmixingSceneOptions& options) {
  return cube_and_abundances("jasper_ridge", data_root, "JasperRidge2_R198.mat", "_EndJasperRidge2_R198.mat", true,
                             options);
}

HsiScene load_urban(const std::filesystem::path& data_root, const UnmixingSceneOptions& options) {
  check_threshold(options.abundance_threshold);
  const auto path = require_scene_file(data_root, {"_EndUrban_R162.mat"}, "the urban endmembers and abundances");
  const Endmembers end = read_endmembers(path);
  check_input(end.abundances.defined() && end.rows > 0 && end.cols > 0, path.string(),
              "expected abundances A with nRow and nCol");
  const at::Tensor mixed = at::matmul(end.spectra, end.abundances);  // [B, P]
  HsiScene scene;
  scene.name = "urban";
  std::ostringstream source;
  source << "_EndUrban_R162.mat, M * A";
  if (!std::isinf(options.snr_db)) source << " + noise at " << options.snr_db << " dB (seed " << options.seed << ")";
  scene.source = source.str() + threshold_note(options.abundance_threshold);
  scene.cube = add_noise_at_snr(column_major_pixels_to_image(mixed, end.rows, end.cols), options.snr_db, options.seed)
                   .to(at::kFloat);
  scene.labels = abundance_labels(end.abundances, end.rows, end.cols, options.abundance_threshold);
  scene.class_names = end.names;
  validate(scene, "urban");
  return scene;
}

}  // namespace moezoo::datasets::hsi
