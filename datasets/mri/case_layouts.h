#pragma once
/// Finding cases on disk in the layouts the public data comes in. Modality files are
/// listed in Modality order (t1, t1ce, t2, flair):
///
/// - BraTS 2018-2021: folder ID/ with ID_t1, ID_t1ce, ID_t2, ID_flair; label ID_seg
///   (labels 1/2/4).
/// - BraTS 2023: folder ID/ with ID-t1n, ID-t1c, ID-t2w, ID-t2f; label ID-seg (1/2/3).
/// - TCGA (BrainLesion tutorials): folder ID/ with ID_t1_bet, ID_t1c_bet, ID_t2_bet,
///   ID_fla_bet; labels in segmentation/<algorithm>.nii.gz (1/2/4), one per algorithm.
/// - nnU-Net v2 raw: a dataset folder with dataset.json, imagesTr/ID_XXXX and
///   labelsTr/ID (see nnunet_layout.h).
///
/// Files may end in .nii.gz or .nii.

#include <filesystem>
#include <string>
#include <vector>

#include "datasets/mri/mri_case.h"

namespace moezoo::datasets::mri {

enum class CaseLayout { kBrats2018, kBrats2023, kTcga, kNnunet };

/// "brats2018", "brats2023", "tcga", "nnunet".
const char* layout_name(CaseLayout layout);

/// Options of find_cases.
struct CaseSearch {
  /// TCGA: the segmentation to use as label, by algorithm name (file segmentation/<name>.nii.gz);
  /// empty: no label.
  std::string segmentation = "mav";
  /// nnU-Net: read imagesTs (no labels) instead of imagesTr/labelsTr.
  bool nnunet_test_split = false;
};

/// The layout of `dir`: an nnU-Net dataset folder (dataset.json + imagesTr) or a case
/// folder of one of the per-case layouts, recognised by its flair / t2f / fla_bet file.
/// A folder that is none of them is an Error naming it.
CaseLayout detect_layout(const std::filesystem::path& dir);

/// The files of the case in folder `dir` of a per-case layout; a missing modality or
/// label (when the layout has one) is an Error naming the case and the expected file.
/// BraTS folders without a seg file give cases without label (validation sets).
CaseFiles case_files(const std::filesystem::path& dir, CaseLayout layout, const CaseSearch& search = {});

/// Every case under `root`: an nnU-Net dataset folder, a case folder, or a folder of
/// case folders (the BraTS distributions), sorted by id. Folders of the latter that are
/// no case (no modality file at all) are skipped; an empty result is an Error naming root.
std::vector<CaseFiles> find_cases(const std::filesystem::path& root, const CaseSearch& search = {});

}  // namespace moezoo::datasets::mri
