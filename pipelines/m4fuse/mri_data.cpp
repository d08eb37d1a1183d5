#include "pipelines/m4fuse/mri_data.h"

#include <torch/torch.h>

#include <algorithm>
#include <random>
#include <sstream>

#include "core/util/error.h"
#include "datasets/mri/case_layouts.h"
#include "datasets/mri/nifti_io.h"
#include "datasets/mri/resampling.h"

namespace moezoo::pipelines::m4fuse {

namespace fs = std::filesystem;
namespace mri = datasets::mri;

DataSettings data_settings_from_config(const runtime::Config& c) {
  DataSettings s;
  s.source = c.get<std::string>("source", s.source);
  check_input(s.source == "synthetic" || s.source == "cases", "data.source",
              "'" + s.source + "' is not one of synthetic, cases");
  s.grid.spacing_mm = c.get<double>("spacing_mm", s.grid.spacing_mm);
  s.grid.margin = c.get<int64_t>("crop_margin", s.grid.margin);
  check_input(s.grid.spacing_mm > 0 && s.grid.spacing_mm <= 20, "data.spacing_mm",
              "must lie in (0, 20] mm, got " + std::to_string(s.grid.spacing_mm));
  check_input(s.grid.margin >= 0, "data.crop_margin", "must be >= 0");
  const auto patch = c.get<std::vector<int64_t>>("patch", {64, 64, 64});
  check_input(patch.size() == 3, "data.patch", "must list 3 sizes (d, h, w), got " + std::to_string(patch.size()));
  for (size_t i = 0; i < 3; ++i) {
    check_input(
        patch[i] >= 16 && patch[i] % 16 == 0, "data.patch",
        "every size must be a positive multiple of 16 (the model downsamples 16x), got " + std::to_string(patch[i]));
    s.patch[i] = patch[i];
  }
  s.overlap = c.get<double>("overlap", s.overlap);
  check_input(s.overlap >= 0 && s.overlap < 1, "data.overlap", "must lie in [0, 1)");
  s.foreground_fraction = c.get<double>("foreground_fraction", s.foreground_fraction);
  check_input(s.foreground_fraction >= 0 && s.foreground_fraction <= 1, "data.foreground_fraction",
              "must lie in [0, 1]");
  s.augment = c.get<bool>("augment", s.augment);
  s.site = c.get<int64_t>("site", s.site);
  check_input(s.site >= 0, "data.site", "must be >= 0");
  s.train_cases = c.get<int64_t>("train_cases", s.train_cases);
  s.val_cases = c.get<int64_t>("val_cases", s.val_cases);
  s.seed = static_cast<uint64_t>(c.get<int64_t>("seed", 0));
  s.fallback_phantom = c.get<bool>("fallback_phantom", s.fallback_phantom);
  s.root = c.get<std::string>("root", "");
  s.val_fraction = c.get<double>("val_fraction", s.val_fraction);
  s.split_seed = static_cast<uint64_t>(c.get<int64_t>("split_seed", 0));
  s.segmentation = c.get<std::string>("segmentation", s.segmentation);
  check_input(s.train_cases >= 1, "data.train_cases", "must be >= 1");
  check_input(s.val_cases >= 1, "data.val_cases", "must be >= 1");
  check_input(s.val_fraction > 0 && s.val_fraction < 1, "data.val_fraction", "must lie in (0, 1)");
  check_input(s.source != "cases" || !s.root.empty(), "data.root", "must name a folder of cases for source 'cases'");
  return s;
}

mri::SyntheticTumorGenerator make_synthetic_generator(const DataSettings& s, const fs::path& data_root,
                                                      std::string* log) {
  const fs::path atlas = mri::colin27_path(data_root);
  mri::Volume brain;
  if (fs::exists(atlas)) {
    brain = mri::read_nifti(atlas);
  } else {
    check_input(s.fallback_phantom, "data.fallback_phantom",
                atlas.string() +
                    ": not found (the Colin27 brain of the synthetic cases; set MOEZOO_DATA or "
                    "data.fallback_phantom=true)");
    brain = mri::phantom_brain();
    if (log) *log += "moezoo-m4fuse: warning: " + atlas.string() + " not found, synthetic cases use a phantom brain\n";
  }
  // The generator resamples the brain's box (margin 1, as it crops) to its shape: choose the
  // shape that makes that box `spacing_mm` per voxel.
  const auto box = mri::bounding_box(brain.data > 0, 1);
  mri::SyntheticTumorOptions options;
  options.shape = mri::shape_for_spacing(mri::crop_geometry(brain.geometry, box), s.grid.spacing_mm);
  return mri::SyntheticTumorGenerator(brain, options);
}

std::vector<mri::CaseFiles> find_input_cases(const fs::path& root, bool require_labels,
                                             const std::string& segmentation) {
  check_input(fs::is_directory(root), root.string(),
              "not found (expected a case folder, a folder of case folders "
              "or an nnU-Net dataset)");
  mri::CaseSearch search;
  search.segmentation = require_labels ? segmentation : "";
  // nnU-Net datasets: inference reads imagesTs when the dataset has one.
  search.nnunet_test_split =
      !require_labels && fs::exists(root / "dataset.json") && fs::is_directory(root / "imagesTs");
  auto cases = mri::find_cases(root, search);
  for (auto& files : cases) {
    if (require_labels)
      check_input(!files.label.empty(), files.id,
                  "has no label file (eval and training need labelled cases; TCGA layout: segmentation/" +
                      segmentation + ".nii.gz)");
    else
      files.label.clear();
  }
  return cases;
}

MriData load_mri_data(const DataSettings& s, const fs::path& data_root) {
  MriData data;
  data.settings = s;
  std::ostringstream log;
  if (s.source == "synthetic") {
    data.name = "synthetic";
    std::string warning;
    const auto generator = make_synthetic_generator(s, data_root, &warning);
    log << warning;
    for (int64_t i = 0; i < s.train_cases + s.val_cases; ++i) {
      auto w = prepare_case(generator.make_case(s.seed, i), s.grid, s.site);
      (i < s.train_cases ? data.train : data.val).push_back(std::move(w));
    }
    const auto shape = data.train.front().shape();
    log << "moezoo-m4fuse: synthetic cases (seed " << s.seed << "): " << s.train_cases << " training, " << s.val_cases
        << " validation, " << shape[0] << "x" << shape[1] << "x" << shape[2] << " voxels at " << s.grid.spacing_mm
        << " mm\n";
  } else {
    fs::path root = s.root;
    if (root.is_relative() && !fs::exists(root)) root = data_root / root;
    data.name = root.filename().empty() ? root.parent_path().filename().string() : root.filename().string();
    auto files = find_input_cases(root, true, s.segmentation);
    check_input(files.size() >= 2, "data.root",
                root.string() +
                    ": needs at least 2 labelled cases (training and "
                    "validation), found " +
                    std::to_string(files.size()));
    std::mt19937_64 rng(s.split_seed);
    std::shuffle(files.begin(), files.end(), rng);
    const auto n = static_cast<int64_t>(files.size());
    const int64_t n_val = std::clamp<int64_t>(static_cast<int64_t>(s.val_fraction * n + 0.5), 1, n - 1);
    for (int64_t i = 0; i < n; ++i) {
      auto w = prepare_case(mri::read_case(files[i]), s.grid, s.site);
      (i < n_val ? data.val : data.train).push_back(std::move(w));
    }
    log << "moezoo-m4fuse: " << n << " cases under " << root.string() << ": " << data.train.size() << " training, "
        << data.val.size() << " validation (split seed " << s.split_seed << "), at " << s.grid.spacing_mm << " mm\n";
  }
  data.log = log.str();
  return data;
}

}  // namespace moezoo::pipelines::m4fuse
