#pragma once
/// BraTS scoring of predicted masks on the cases' original grids (Dice and HD95 in mm of
/// ET, TC, WT; datasets/mri/region_scores.h with the BraTS 2021 empty-region convention),
/// the per-case CSV and the report section the train verb appends to report.md.

#include <ATen/core/Tensor.h>

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "datasets/mri/geometry.h"
#include "datasets/mri/segmentation_metrics.h"
#include "datasets/mri/tumor_regions.h"

namespace moezoo::pipelines::m4fuse {

/// One case's scores, regions in TumorRegion order (ET, TC, WT).
struct CaseScore {
  std::string id;
  std::array<datasets::mri::RegionScore, datasets::mri::kNumRegions> regions{};
};

/// prediction, reference [D, H, W] BraTS labels (0/1/2/4) on `geometry` -> scores.
CaseScore score_case(const std::string& id, const at::Tensor& prediction, const at::Tensor& reference,
                     const datasets::mri::Geometry& geometry);

/// The mean of every column over `scores` (id "mean"); zeros for none.
CaseScore mean_score(const std::vector<CaseScore>& scores);

/// "case,dice_et,dice_tc,dice_wt,hd95_et,hd95_tc,hd95_wt" then one row per case and a
/// last row "mean", written atomically.
void write_scores_csv(const std::filesystem::path& path, const std::vector<CaseScore>& scores);

/// Appends to `run_dir`/report.md a section `title` with the per-case table (Dice in %,
/// HD95 in mm), the mean row, a note on the conventions and `overlay_png` (relative to
/// run_dir; none when empty).
void append_scores_report(const std::filesystem::path& run_dir, const std::string& title,
                          const std::vector<CaseScore>& scores, const std::string& description,
                          const std::string& overlay_png);

/// Markdown rows (case, Dice ET/TC/WT %, HD95 ET/TC/WT mm) of `scores` and their mean.
std::vector<std::vector<std::string>> score_rows(const std::vector<CaseScore>& scores);

/// The header of score_rows.
std::vector<std::string> score_header();

}  // namespace moezoo::pipelines::m4fuse
