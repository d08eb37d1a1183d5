#include "datasets/mri/synthetic_tumor.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <random>

#include "core/util/error.h"
#include "datasets/mri/brain_crop.h"
#include "datasets/mri/resampling.h"

namespace moezoo::datasets::mri {

namespace F = torch::nn::functional;

namespace {

/// y = piecewise-linear interpolation of (xs, ys) at x, constant beyond the ends.
at::Tensor piecewise_linear(const at::Tensor& x, const std::vector<double>& xs, const std::vector<double>& ys) {
  auto y = torch::full_like(x, ys.front());
  for (size_t i = 0; i + 1 < xs.size(); ++i) {
    const auto w = ((x - xs[i]) / (xs[i + 1] - xs[i])).clamp(0.0, 1.0);
    y = torch::where(x >= xs[i], ys[i] + w * (ys[i + 1] - ys[i]), y);
  }
  return y;
}

/// [D, H, W] -> [1, 1, D, H, W] on `shape` (resize_intensities).
at::Tensor resample(const at::Tensor& volume, const std::array<int64_t, 3>& shape) {
  return resize_intensities(volume, shape).unsqueeze(0).unsqueeze(0);
}

/// Smooth random field in about [-1, 1]: 4^3 Gaussian values upsampled to `shape`.
at::Tensor smooth_field(const std::array<int64_t, 3>& shape, at::Generator& gen) {
  const auto coarse = torch::randn({1, 1, 4, 4, 4}, gen, torch::TensorOptions().dtype(torch::kFloat));
  return F::interpolate(coarse, F::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{shape[0], shape[1], shape[2]})
                                    .mode(torch::kTrilinear)
                                    .align_corners(true))
             .squeeze(0)
             .squeeze(0)
             .clamp(-2.0, 2.0) *
         0.5;
}

struct Tumor {
  std::array<double, 3> centre;  ///< voxel index, D, H, W
  std::array<double, 3> radius;  ///< core radius in voxels, D, H, W
};

}  // namespace

std::filesystem::path colin27_path(const std::filesystem::path& data_root) {
  return data_root / "mri" / "atlas" / "ch2bet.nii.gz";
}

Volume phantom_brain(const std::array<int64_t, 3>& shape) {
  const auto axis = [&](int d) {
    return (torch::arange(shape[d], torch::kFloat) - (shape[d] - 1) / 2.0f) / (shape[d] / 2.0f);
  };
  const auto g = torch::meshgrid({axis(0), axis(1), axis(2)}, "ij");
  const auto r = (g[0].square() / 0.8 + g[1].square() / 0.95 + g[2].square() / 0.85).sqrt();
  auto t1 = torch::zeros({shape[0], shape[1], shape[2]});
  t1 = torch::where(r < 0.92, torch::full_like(t1, 80.0f), t1);   // grey matter
  t1 = torch::where(r < 0.75, torch::full_like(t1, 110.0f), t1);  // white matter
  for (float side : {-0.15f, 0.15f}) {                            // ventricles
    const auto v = ((g[0] / 0.25).square() + ((g[1] + 0.05f) / 0.35).square() + ((g[2] - side) / 0.08).square()).sqrt();
    t1 = torch::where(v < 1.0, torch::full_like(t1, 35.0f), t1);
  }
  Volume volume;
  volume.data = t1;
  volume.geometry.size = {shape[2], shape[1], shape[0]};
  return volume;
}

SyntheticTumorGenerator::SyntheticTumorGenerator(const Volume& t1_brain, SyntheticTumorOptions options)
    : options_(options) {
  check_input(t1_brain.data.defined() && t1_brain.data.dim() == 3, "SyntheticTumorGenerator",
              "expected a [D, H, W] T1 brain");
  check_input(options.min_tumors >= 1 && options.max_tumors >= options.min_tumors, "SyntheticTumorGenerator",
              "need 1 <= min_tumors <= max_tumors");
  const auto brain = t1_brain.data.gt(0);
  check_input(brain.any().item<bool>(), "SyntheticTumorGenerator", "the T1 brain is all background");
  const CropBox box = bounding_box(brain, 1);
  const auto cropped = crop(t1_brain.data, box);
  const auto& shape = options.shape;
  // Resample intensity and mask separately so that the brain edge stays sharp.
  const auto mask = resample(crop(brain, box).to(torch::kFloat), shape).squeeze(0).squeeze(0) > 0.5;
  const auto intensity = resample(cropped, shape).squeeze(0).squeeze(0) /
                         resample(crop(brain, box).to(torch::kFloat), shape).squeeze(0).squeeze(0).clamp_min(1e-3);
  // White-matter level: the 90th percentile of brain intensities (WM is the brightest tissue in T1).
  const auto values = std::get<0>(intensity.masked_select(mask).sort());
  const double wm = values[static_cast<int64_t>(0.9 * static_cast<double>(values.numel() - 1))].item<double>();
  t1_ = torch::where(mask, intensity / wm, torch::zeros_like(intensity)).contiguous();

  // Geometry: the box's extent over `shape` voxels.
  geometry_ = resized_geometry(crop_geometry(t1_brain.geometry, box), shape);
}

MriCase SyntheticTumorGenerator::make_case(uint64_t seed, int64_t index) const {
  const uint64_t stream = seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(index) + 1;
  std::mt19937_64 rng(stream);
  auto gen = at::detail::createCPUGenerator(stream);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto& shape = options_.shape;
  const std::array<double, 3> spacing{geometry_.spacing[2], geometry_.spacing[1], geometry_.spacing[0]};  // D, H, W

  // Tumours centred on deep brain voxels (white matter, away from the edge).
  const auto background = t1_.le(0).to(torch::kFloat).unsqueeze(0);
  const auto near_edge = F::max_pool3d(background, F::MaxPool3dFuncOptions(7).stride(1).padding(3)).squeeze(0) > 0.5;
  const auto deep = ~near_edge & t1_.gt(0.8);
  auto candidates = deep.nonzero();
  if (candidates.size(0) == 0) candidates = t1_.gt(0).nonzero();
  const int64_t count = std::uniform_int_distribution<int64_t>(options_.min_tumors, options_.max_tumors)(rng);
  std::vector<Tumor> tumors;
  for (int64_t i = 0; i < count; ++i) {
    const auto c = candidates[std::uniform_int_distribution<int64_t>(0, candidates.size(0) - 1)(rng)];
    Tumor t;
    for (int d = 0; d < 3; ++d) {
      t.centre[d] = static_cast<double>(c[d].item<int64_t>());
      t.radius[d] = (6.0 + 8.0 * unit(rng)) / spacing[d];
    }
    tumors.push_back(t);
  }

  const auto coords = torch::meshgrid({torch::arange(shape[0], torch::kFloat), torch::arange(shape[1], torch::kFloat),
                                       torch::arange(shape[2], torch::kFloat)},
                                      "ij");
  // Mass effect: each voxel samples the healthy brain at p - u(p), u radial from each centre.
  std::array<at::Tensor, 3> source{coords[0].clone(), coords[1].clone(), coords[2].clone()};
  if (options_.mass_effect > 0) {
    for (const auto& t : tumors) {
      const double mean_radius = (t.radius[0] + t.radius[1] + t.radius[2]) / 3.0;
      const double amplitude = options_.mass_effect * mean_radius, width = 1.5 * mean_radius;
      std::array<at::Tensor, 3> offset;
      for (int d = 0; d < 3; ++d) offset[d] = coords[d] - t.centre[d];
      const auto distance = (offset[0].square() + offset[1].square() + offset[2].square()).sqrt().clamp_min(1e-3);
      const auto push = amplitude * (-(distance.square()) / (2.0 * width * width)).exp() / distance;
      for (int d = 0; d < 3; ++d) source[d] = source[d] - push * offset[d];
    }
  }
  auto normalised = [&](int d) {
    return source[d] / std::max<double>(1.0, static_cast<double>(shape[d] - 1)) * 2.0 - 1.0;
  };
  const auto grid = torch::stack({normalised(2), normalised(1), normalised(0)}, -1).unsqueeze(0);  // [1, D, H, W, 3]
  const auto warped =
      F::grid_sample(t1_.unsqueeze(0).unsqueeze(0), grid,
                     F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(true));
  const auto warped_mask =
      F::grid_sample(t1_.gt(0).to(torch::kFloat).unsqueeze(0).unsqueeze(0), grid,
                     F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(true));
  const auto brain = warped_mask.squeeze(0).squeeze(0) > 0.5;
  const auto t = torch::where(brain, warped.squeeze(0).squeeze(0) / warped_mask.squeeze(0).squeeze(0).clamp_min(1e-3),
                              torch::zeros_like(t1_));

  // Labels from the perturbed ellipsoidal distance (the smallest over tumours).
  auto rho = torch::full({shape[0], shape[1], shape[2]}, 1e9f);
  for (const auto& tumor : tumors) {
    auto r2 = torch::zeros_like(rho);
    for (int d = 0; d < 3; ++d) r2 = r2 + ((coords[d] - tumor.centre[d]) / tumor.radius[d]).square();
    rho = torch::minimum(rho, r2.sqrt());
  }
  rho = rho * (1.0 + 0.2 * smooth_field(shape, gen));
  auto label = torch::zeros({shape[0], shape[1], shape[2]}, torch::kLong);
  label.masked_fill_(rho < 1.6, 2);
  label.masked_fill_(rho < 1.0, 4);
  label.masked_fill_(rho < 0.7, 1);
  label.masked_fill_(~brain, 0);
  // The rim always separates the core from oedema and background (26-connectivity), even
  // where the grid is too coarse for the rim's thickness or the core meets the brain's edge.
  const auto outside_tumor = (label.ne(1) & label.ne(4)).to(torch::kFloat).unsqueeze(0);
  const auto touches = F::max_pool3d(outside_tumor, F::MaxPool3dFuncOptions(3).stride(1).padding(1)).squeeze(0) > 0.5;
  label.masked_fill_(label.eq(1) & touches, 4);

  // Healthy contrasts, then the tumour's.
  auto t1 = t.clone(), t1ce = t.clone();
  auto t2 = piecewise_linear(t, {0.3, 0.75, 1.0}, {1.0, 0.65, 0.45});
  auto flair = piecewise_linear(t, {0.3, 0.55, 0.75, 1.0}, {0.15, 0.5, 0.7, 0.55});
  const auto oedema = label.eq(2), rim = label.eq(4), core = label.eq(1);
  t1 = torch::where(oedema, t1 * 0.8, t1);
  t1ce = torch::where(oedema, t1ce * 0.8, t1ce);
  t2 = torch::where(oedema, t2.clamp_min(0.95), t2);
  flair = torch::where(oedema, torch::ones_like(flair), flair);
  const std::array<std::array<double, 4>, 2> tumour_values{{{0.35, 0.35, 1.1, 0.6}, {0.55, 1.45, 0.8, 0.85}}};
  std::array<at::Tensor*, 4> channels{&t1, &t1ce, &t2, &flair};
  for (int m = 0; m < 4; ++m) {
    *channels[m] = torch::where(core, torch::full_like(t, tumour_values[0][m]), *channels[m]);
    *channels[m] = torch::where(rim, torch::full_like(t, tumour_values[1][m]), *channels[m]);
  }
  std::vector<at::Tensor> modalities;
  for (int m = 0; m < 4; ++m) {
    const auto bias = 1.0 + 0.05 * smooth_field(shape, gen);
    const auto noise =
        options_.noise * torch::randn({shape[0], shape[1], shape[2]}, gen, torch::TensorOptions().dtype(torch::kFloat));
    const auto value = ((*channels[m]) * bias + noise).clamp_min(0.01) * 100.0;
    modalities.push_back(torch::where(brain, value, torch::zeros_like(value)));
  }
  MriCase result;
  result.id = "synthetic-" + std::to_string(seed) + "-" + std::to_string(index);
  result.image = torch::stack(modalities).to(torch::kFloat).contiguous();
  result.label = label;
  result.geometry = geometry_;
  return result;
}

std::vector<MriCase> SyntheticTumorGenerator::make_cases(uint64_t seed, int64_t count) const {
  std::vector<MriCase> cases;
  for (int64_t i = 0; i < count; ++i) cases.push_back(make_case(seed, i));
  return cases;
}

}  // namespace moezoo::datasets::mri
