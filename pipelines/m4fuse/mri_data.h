#pragma once
/// The data side of moezoo-m4fuse: training and validation cases on the working grid
/// (working_case.h), from one of two sources (the `data:` keys, documented in
/// configs/m4fuse/base.yaml):
///   synthetic  SyntheticTumorGenerator cases grown in the Colin27 brain (or, with
///              data.fallback_phantom, a procedural phantom brain), generated directly at
///              the working spacing: train_cases of stream `seed`, then val_cases more;
///   cases      the labelled cases under data.root in any supported layout (BraTS 2018 /
///              2023, TCGA, nnU-Net), split into training and validation by a seeded
///              shuffle (data.val_fraction, data.split_seed).

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/runtime/config.h"
#include "datasets/mri/synthetic_tumor.h"
#include "pipelines/m4fuse/working_case.h"

namespace moezoo::pipelines::m4fuse {

struct DataSettings {
  std::string source = "synthetic";  ///< "synthetic" | "cases"
  WorkingGridOptions grid;
  std::array<int64_t, 3> patch{64, 64, 64};  ///< d, h, w; multiples of 16
  double overlap = 0.5;                      ///< sliding-window overlap in evaluation and inference
  double foreground_fraction = 0.33;         ///< patches centred on tumour
  bool augment = true;                       ///< flips and intensity scale/shift of training patches
  int64_t site = 0;                          ///< the site (expert) id of every case of this source
  // synthetic
  int64_t train_cases = 8, val_cases = 2;
  uint64_t seed = 0;
  bool fallback_phantom = false;
  // cases
  std::filesystem::path root;
  double val_fraction = 0.2;
  uint64_t split_seed = 0;
  std::string segmentation = "mav";  ///< TCGA layout: the segmentation used as label
};

/// Reads every `data:` key (of config.at("data")) and validates it; errors name the key.
DataSettings data_settings_from_config(const runtime::Config& data);

/// Training and validation cases on the working grid.
struct MriData {
  DataSettings settings;
  std::string name;  ///< "synthetic" or the root folder's name (the run folder's dataset)
  std::vector<WorkingCase> train, val;
  std::string log;  ///< what was loaded, for stderr once the config is valid
};

/// The synthetic generator of `settings` at the working spacing: the atlas under
/// `data_root` (or the phantom with a warning in `log` when allowed); a missing atlas
/// without data.fallback_phantom is an Error naming the file.
datasets::mri::SyntheticTumorGenerator make_synthetic_generator(const DataSettings& settings,
                                                                const std::filesystem::path& data_root,
                                                                std::string* log = nullptr);

/// Loads the source's cases and prepares them. Relative data.root resolves against the
/// current folder, then against `data_root`.
MriData load_mri_data(const DataSettings& settings, const std::filesystem::path& data_root);

/// Every case under `root` (a case folder, a folder of cases, an nnU-Net dataset),
/// prepared. `require_labels`: a case without a label is an Error naming it; otherwise
/// labels are not read at all (inference).
std::vector<datasets::mri::CaseFiles> find_input_cases(const std::filesystem::path& root, bool require_labels,
                                                       const std::string& segmentation = "mav");

}  // namespace moezoo::pipelines::m4fuse
