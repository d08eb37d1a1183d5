#include "datasets/hsi/synthetic_scene.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <sstream>

#include "core/util/error.h"
#include "datasets/hsi/endmembers.h"
#include "datasets/hsi/scene_files.h"
#include "datasets/hsi/spectral_noise.h"

namespace moezoo::datasets::hsi {

namespace {

const char* endmember_file(const std::string& source) {
  if (source == "cuprite") return "_EndCupriteS1_R188.mat";
  if (source == "samson") return "_EndSamson.mat";
  if (source == "jasper_ridge") return "_EndJasperRidge2_R198.mat";
  if (source == "urban") return "_EndUrban_R162.mat";
  return nullptr;
}

/// x [E, H, W] blurred along H and W by a normalised Gaussian of `sigma` pixels.
at::Tensor gaussian_blur(const at::Tensor& x, double sigma) {
  if (sigma <= 0) return x;
  const int64_t radius = static_cast<int64_t>(std::ceil(3 * sigma));
  const auto offsets = at::arange(-radius, radius + 1, at::kDouble);
  auto kernel = at::exp(-0.5 * (offsets / sigma).square());
  kernel = kernel / kernel.sum();
  const int64_t k = kernel.size(0);
  // [E, 1, H, W] convolved with [1, 1, k, 1] then [1, 1, 1, k]; reflect padding where the
  // image is large enough, replicate otherwise (a tiny image with a wide blur).
  auto y = x.unsqueeze(1);
  const bool reflect = radius < x.size(1) && radius < x.size(2);
  y = reflect ? at::reflection_pad2d(y, {radius, radius, radius, radius})
              : at::replication_pad2d(y, {radius, radius, radius, radius});
  y = at::conv2d(y, kernel.view({1, 1, k, 1}));
  y = at::conv2d(y, kernel.view({1, 1, 1, k}));
  return y.squeeze(1);
}

}  // namespace

at::Tensor procedural_endmembers(int64_t bands, int64_t count, uint64_t seed) {
  check_input(bands >= 2 && count >= 1, "synthetic endmembers", "need at least 2 bands and 1 endmember");
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto t = at::linspace(0.0, 1.0, bands, at::kDouble).unsqueeze(1);  // [B, 1]
  constexpr int64_t kBumps = 4;
  const auto centres = at::rand({1, count, kBumps}, gen, at::kDouble);
  const auto widths = 0.03 + 0.12 * at::rand({1, count, kBumps}, gen, at::kDouble);
  const auto heights = at::rand({1, count, kBumps}, gen, at::kDouble);
  const auto slope = at::rand({1, count}, gen, at::kDouble) - 0.5;
  const auto bumps = (heights * at::exp(-0.5 * ((t.unsqueeze(2) - centres) / widths).square())).sum(2);  // [B, E]
  const auto raw = 0.2 + bumps + 0.3 * slope * t;
  // Squash into (0, 1) per endmember, keeping each spectrum's shape.
  const auto low = std::get<0>(raw.min(0, true)), high = std::get<0>(raw.max(0, true));
  return 0.05 + 0.9 * (raw - low) / (high - low + 1e-12);
}

at::Tensor smooth_abundances(int64_t count, int64_t height, int64_t width, double smoothness, double sharpness,
                             uint64_t seed) {
  check_input(count >= 1 && height >= 1 && width >= 1, "synthetic abundances", "need a positive size and count");
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto fields = gaussian_blur(at::randn({count, height, width}, gen, at::kDouble), smoothness);
  const auto mean = fields.mean({1, 2}, true);
  const auto std = (fields - mean).square().mean({1, 2}, true).sqrt().clamp_min(1e-12);
  return at::softmax(sharpness * (fields - mean) / std, 0);
}

HsiScene make_synthetic_scene(const SyntheticSceneOptions& o, const std::filesystem::path& data_root) {
  const std::string where = "synthetic scene";
  check_input(o.height >= 2 && o.width >= 2, where, "needs at least 2x2 pixels");
  check_input(o.num_classes >= 1, where, "needs at least one class");
  std::string source = o.endmembers;
  if (source == "auto")
    source = !data_root.empty() && !find_scene_file(data_root, {endmember_file("cuprite")}).empty() ? "cuprite"
                                                                                                    : "procedural";

  at::Tensor spectra;  // [B, E]
  std::vector<std::string> names;
  if (source == "procedural") {
    spectra = procedural_endmembers(o.procedural_bands, o.num_classes, o.seed);
    for (int64_t i = 0; i < o.num_classes; ++i) names.push_back("material " + std::to_string(i + 1));
  } else {
    const char* file = endmember_file(source);
    check_input(
        file != nullptr, where + ": endmembers",
        "unknown source '" + o.endmembers + "' (expected auto, cuprite, samson, jasper_ridge, urban or procedural)");
    const Endmembers e =
        read_endmembers(require_scene_file(data_root, {file}, "synthetic endmembers '" + source + "'"));
    check_input(o.num_classes <= e.num_endmembers(), where,
                std::to_string(o.num_classes) + " classes asked, but " + file + " has " +
                    std::to_string(e.num_endmembers()) + " endmembers");
    spectra = e.spectra.slice(1, 0, o.num_classes);
    names.assign(e.names.begin(), e.names.begin() + o.num_classes);
  }

  const auto abundances = smooth_abundances(o.num_classes, o.height, o.width, o.smoothness, o.sharpness, o.seed + 1);
  const auto mixed = at::einsum("be,ehw->hwb", {spectra, abundances});  // [H, W, B]
  HsiScene scene;
  scene.name = "synthetic";
  std::ostringstream d;
  d << "synthetic " << o.height << "x" << o.width << ", " << source << " endmembers, snr " << o.snr_db << " dB, seed "
    << o.seed;
  scene.source = d.str();
  scene.cube = add_noise_at_snr(mixed, o.snr_db, o.seed + 2).to(at::kFloat);
  scene.labels = std::get<1>(abundances.max(0)) + 1;
  scene.class_names = names;
  validate(scene, where);
  return scene;
}

}  // namespace moezoo::datasets::hsi
