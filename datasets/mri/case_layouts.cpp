#include "datasets/mri/case_layouts.h"

#include <algorithm>
#include <optional>

#include "core/util/error.h"
#include "datasets/mri/nifti_io.h"
#include "datasets/mri/nnunet_layout.h"

namespace moezoo::datasets::mri {

namespace fs = std::filesystem;

namespace {

/// Per-case layouts: the name of each modality file after the case id, in Modality order.
struct NamingScheme {
  CaseLayout layout;
  std::array<const char*, kNumModalities> suffixes;
  const char* label_suffix;  ///< nullptr: label elsewhere (TCGA)
  LabelConvention convention;
};

const NamingScheme kSchemes[] = {
    {CaseLayout::kBrats2018, {"_t1", "_t1ce", "_t2", "_flair"}, "_seg", LabelConvention::kBrats2018},
    {CaseLayout::kBrats2023, {"-t1n", "-t1c", "-t2w", "-t2f"}, "-seg", LabelConvention::kBrats2023},
    {CaseLayout::kTcga, {"_t1_bet", "_t1c_bet", "_t2_bet", "_fla_bet"}, nullptr, LabelConvention::kBrats2018},
};

const NamingScheme& scheme_of(CaseLayout layout) {
  for (const auto& s : kSchemes)
    if (s.layout == layout) return s;
  throw Error(std::string("case layout ") + layout_name(layout) + " is not a per-case layout");
}

/// dir/<id><suffix>.nii.gz, or .nii when only that exists.
fs::path nifti_beside(const fs::path& dir, const std::string& stem) {
  const fs::path gz = dir / (stem + ".nii.gz");
  const fs::path plain = dir / (stem + ".nii");
  return !fs::exists(gz) && fs::exists(plain) ? plain : gz;
}

/// The case id of `dir` in `scheme`: the part of a modality file's name before its
/// suffix. The suffix is matched with its extension, so "_t1" never matches "X_t1ce".
std::optional<std::string> case_id(const fs::path& dir, const NamingScheme& scheme) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file() || !is_nifti_name(entry.path())) continue;
    for (const char* suffix : scheme.suffixes) {
      for (const char* ext : {".nii.gz", ".nii"}) {
        const std::string name = entry.path().filename().string();
        const std::string tail = std::string(suffix) + ext;
        if (name.size() > tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0) {
          return name.substr(0, name.size() - tail.size());
        }
      }
    }
  }
  return std::nullopt;
}

/// The per-case scheme of which `dir` holds at least one modality file.
std::optional<CaseLayout> per_case_layout(const fs::path& dir) {
  for (const auto& scheme : kSchemes)
    if (case_id(dir, scheme)) return scheme.layout;
  return std::nullopt;
}

}  // namespace

const char* layout_name(CaseLayout layout) {
  switch (layout) {
    case CaseLayout::kBrats2018:
      return "brats2018";
    case CaseLayout::kBrats2023:
      return "brats2023";
    case CaseLayout::kTcga:
      return "tcga";
    case CaseLayout::kNnunet:
      return "nnunet";
  }
  return "?";
}

CaseLayout detect_layout(const fs::path& dir) {
  check_input(fs::is_directory(dir), dir.string(), "not a folder (expected a case or dataset folder)");
  if (fs::exists(dir / "dataset.json") && fs::is_directory(dir / "imagesTr")) return CaseLayout::kNnunet;
  if (const auto layout = per_case_layout(dir)) return *layout;
  throw Error(dir.string() +
              ": no case layout recognised (expected BraTS *_flair / *-t2f, TCGA *_fla_bet files, or an nnU-Net "
              "dataset.json + imagesTr)");
}

CaseFiles case_files(const fs::path& dir, CaseLayout layout, const CaseSearch& search) {
  const NamingScheme& scheme = scheme_of(layout);
  const auto id = case_id(dir, scheme);
  check_input(id.has_value(), dir.string(), std::string("no ") + layout_name(layout) + " modality file found");
  CaseFiles files;
  files.id = *id;
  files.convention = scheme.convention;
  for (int m = 0; m < kNumModalities; ++m) {
    files.images[m] = nifti_beside(dir, *id + scheme.suffixes[m]);
    if (!fs::exists(files.images[m]))
      throw Error("case " + *id + ": missing modality " + modality_name(static_cast<Modality>(m)) + " (expected " +
                  files.images[m].string() + ")");
  }
  if (scheme.label_suffix) {
    const fs::path label = nifti_beside(dir, *id + scheme.label_suffix);
    if (fs::exists(label)) files.label = label;
  } else if (!search.segmentation.empty()) {
    files.label = nifti_beside(dir / "segmentation", search.segmentation);
    if (!fs::exists(files.label))
      throw Error("case " + *id + ": missing segmentation '" + search.segmentation + "' (expected " +
                  files.label.string() + ")");
  }
  return files;
}

std::vector<CaseFiles> find_cases(const fs::path& root, const CaseSearch& search) {
  check_input(fs::is_directory(root), root.string(), "not a folder");
  std::vector<CaseFiles> cases;
  if (fs::exists(root / "dataset.json")) {
    cases = nnunet_cases(root, search.nnunet_test_split);
  } else if (const auto layout = per_case_layout(root)) {
    cases.push_back(case_files(root, *layout, search));
  } else {
    std::vector<fs::path> folders;
    for (const auto& entry : fs::directory_iterator(root))
      if (entry.is_directory()) folders.push_back(entry.path());
    std::sort(folders.begin(), folders.end());
    for (const auto& folder : folders)
      if (const auto layout = per_case_layout(folder)) cases.push_back(case_files(folder, *layout, search));
  }
  check_input(!cases.empty(), root.string(), "no MRI case found (BraTS, TCGA or nnU-Net layout)");
  std::sort(cases.begin(), cases.end(), [](const CaseFiles& a, const CaseFiles& b) { return a.id < b.id; });
  return cases;
}

}  // namespace moezoo::datasets::mri
