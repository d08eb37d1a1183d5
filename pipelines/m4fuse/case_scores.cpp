#include "pipelines/m4fuse/case_scores.h"

#include <torch/torch.h>

#include <sstream>

#include "core/report/markdown.h"
#include "core/report/number_format.h"
#include "core/report/summary_stats.h"
#include "core/util/atomic_file.h"
#include "datasets/mri/region_scores.h"

namespace moezoo::pipelines::m4fuse {

namespace fs = std::filesystem;
namespace mri = datasets::mri;

CaseScore score_case(const std::string& id, const at::Tensor& prediction, const at::Tensor& reference,
                     const mri::Geometry& geometry) {
  CaseScore s;
  s.id = id;
  s.regions = mri::score_brats_regions(prediction.to(torch::kLong), reference.to(torch::kLong), geometry);
  return s;
}

CaseScore mean_score(const std::vector<CaseScore>& scores) {
  CaseScore m;
  m.id = "mean";
  if (scores.empty()) return m;
  for (const auto& s : scores)
    for (int r = 0; r < mri::kNumRegions; ++r) {
      m.regions[r].dice += s.regions[r].dice / static_cast<double>(scores.size());
      m.regions[r].hd95 += s.regions[r].hd95 / static_cast<double>(scores.size());
    }
  return m;
}

void write_scores_csv(const fs::path& path, const std::vector<CaseScore>& scores) {
  std::ostringstream csv;
  csv.precision(8);
  csv << "case,dice_et,dice_tc,dice_wt,hd95_et,hd95_tc,hd95_wt\n";
  auto all = scores;
  all.push_back(mean_score(scores));
  for (const auto& s : all) {
    csv << s.id;
    for (const auto& r : s.regions) csv << ',' << r.dice;
    for (const auto& r : s.regions) csv << ',' << r.hd95;
    csv << '\n';
  }
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path());
  write_file_atomically(path, csv.str());
}

std::vector<std::string> score_header() {
  return {"case", "Dice ET (%)", "Dice TC (%)", "Dice WT (%)", "HD95 ET (mm)", "HD95 TC (mm)", "HD95 WT (mm)"};
}

std::vector<std::vector<std::string>> score_rows(const std::vector<CaseScore>& scores) {
  std::vector<std::vector<std::string>> rows;
  auto all = scores;
  all.push_back(mean_score(scores));
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& s = all[i];
    std::vector<std::string> row{i + 1 == all.size() ? "**mean**" : s.id};
    for (const auto& r : s.regions) row.push_back(report::format_percent(r.dice, 1));
    for (const auto& r : s.regions) row.push_back(report::format_number(r.hd95, 3));
    rows.push_back(row);
  }
  return rows;
}

void append_scores_report(const fs::path& run_dir, const std::string& title, const std::vector<CaseScore>& scores,
                          const std::string& description, const std::string& overlay_png) {
  report::MarkdownReport md;
  md.add_heading(2, title);
  md.add_paragraph(description);
  md.add_table(score_header(), score_rows(scores));
  md.add_paragraph(
      "Regions: ET = label 4, TC = labels 1 + 4, WT = labels 1 + 2 + 4. HD95 in mm on each case's own spacing; "
      "a region empty in both masks scores Dice 1 / HD95 0, empty in one only Dice 0 / HD95 373.13 mm "
      "(the BraTS 2021 convention).");
  if (!overlay_png.empty()) md.add_image("overlay", overlay_png);
  const fs::path report_md = run_dir / "report.md";
  const std::string before = fs::exists(report_md) ? read_file_bytes(report_md) + "\n" : std::string();
  write_file_atomically(report_md, before + md.str());
}

}  // namespace moezoo::pipelines::m4fuse
