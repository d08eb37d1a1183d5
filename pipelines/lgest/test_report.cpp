#include "pipelines/lgest/test_report.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "core/report/csv.h"
#include "core/report/heatmap.h"
#include "core/report/markdown.h"
#include "core/report/png.h"
#include "core/report/summary_stats.h"
#include "core/runtime/checkpoint.h"
#include "core/util/atomic_file.h"

namespace moezoo::pipelines::lgest {

namespace fs = std::filesystem;

namespace {

std::string number(double v) {
  std::ostringstream out;
  out.precision(8);
  out << v;
  return out.str();
}

}  // namespace

PixelScores score_checkpoint_on_test(PatchClassificationTask& task, const fs::path& checkpoint,
                                     const c10::Device& device) {
  auto& module = task.module();
  runtime::load_weights(checkpoint, module);
  module.to(device);
  module.eval();
  torch::NoGradGuard no_grad;
  return task.score(task.data().test_pixels, device);
}

std::map<std::string, double> test_metrics(const PixelScores& s, const std::vector<std::string>& class_names) {
  std::map<std::string, double> m{{"test_oa", s.scores.overall_accuracy},
                                  {"test_aa", s.scores.average_accuracy},
                                  {"test_kappa", s.scores.kappa},
                                  {"test_loss", s.loss}};
  for (size_t c = 0; c < class_names.size(); ++c) m["test_acc/" + class_names[c]] = s.scores.per_class_accuracy[c];
  return m;
}

void write_test_report(const fs::path& run_dir, const PixelScores& s, const HsiData& data,
                       const std::string& model_name, const std::string& what) {
  const auto& names = data.scene.class_names;
  const int64_t classes = static_cast<int64_t>(names.size());

  std::ostringstream csv;
  csv << "metric,value\n";
  csv << "test_oa," << number(s.scores.overall_accuracy) << "\ntest_aa," << number(s.scores.average_accuracy)
      << "\ntest_kappa," << number(s.scores.kappa) << "\ntest_loss," << number(s.loss) << "\n";
  for (int64_t c = 0; c < classes; ++c)
    csv << report::csv_field("test_acc/" + names[c]) << ',' << number(s.scores.per_class_accuracy[c]) << '\n';
  write_file_atomically(run_dir / "test_metrics.csv", csv.str());

  std::ostringstream confusion;
  confusion << "reference\\predicted";
  for (const auto& n : names) confusion << ',' << report::csv_field(n);
  confusion << '\n';
  nlohmann::json matrix = nlohmann::json::array();
  for (int64_t r = 0; r < classes; ++r) {
    confusion << report::csv_field(names[r]);
    nlohmann::json row = nlohmann::json::array();
    for (int64_t c = 0; c < classes; ++c) {
      confusion << ',' << s.confusion.at(r, c);
      row.push_back(s.confusion.at(r, c));
    }
    confusion << '\n';
    matrix.push_back(row);
  }
  write_file_atomically(run_dir / "confusion.csv", confusion.str());

  nlohmann::json j;  // NaN (a class without test pixels) becomes null
  j["model"] = model_name;
  j["scene"] = data.scene.name;
  j["split"] = data.split_name;
  j["weights"] = what;
  j["test_pixels"] = s.confusion.total();
  j["oa"] = s.scores.overall_accuracy;
  j["aa"] = s.scores.average_accuracy;
  j["kappa"] = s.scores.kappa;
  j["loss"] = s.loss;
  j["classes"] = names;
  j["per_class_accuracy"] = nlohmann::json::object();
  for (int64_t c = 0; c < classes; ++c) j["per_class_accuracy"][names[c]] = s.scores.per_class_accuracy[c];
  j["confusion"] = matrix;
  write_file_atomically(run_dir / "test_metrics.json", j.dump(2) + "\n");

  // Row-normalised confusion (each reference class's share of predictions).
  std::vector<std::vector<double>> rows;
  for (int64_t r = 0; r < classes; ++r) {
    const double total = static_cast<double>(s.confusion.reference_count(r));
    std::vector<double> row;
    for (int64_t c = 0; c < classes; ++c) row.push_back(total > 0 ? s.confusion.at(r, c) / total : std::nan(""));
    rows.push_back(row);
  }
  report::HeatmapOptions heat;
  heat.title = "Test confusion (row-normalised), " + model_name;
  heat.x_label = "predicted";
  heat.y_label = "reference";
  heat.vmin = 0.0;
  heat.vmax = 1.0;
  report::write_png(run_dir / "plots" / "confusion.png", report::render_heatmap(rows, names, names, heat));

  report::MarkdownReport md;
  md.add_heading(2, "Test set (" + what + ")");
  md.add_paragraph(data.scene.name + ", split " + data.split_name + ": " + std::to_string(s.confusion.total()) +
                   " test pixels. " + data.preprocessing + ".");
  md.add_table({"OA (%)", "AA (%)", "kappa (%)"},
               {{report::format_percent(s.scores.overall_accuracy, 2),
                 report::format_percent(s.scores.average_accuracy, 2), report::format_percent(s.scores.kappa, 2)}});
  std::vector<std::vector<std::string>> per_class;
  for (int64_t c = 0; c < classes; ++c)
    per_class.push_back({names[c], std::to_string(s.confusion.reference_count(c)),
                         report::format_percent(s.scores.per_class_accuracy[c], 2)});
  md.add_table({"class", "test pixels", "accuracy (%)"}, per_class);
  md.add_image("test confusion", "plots/confusion.png");
  md.add_paragraph(
      "Files: [test_metrics.csv](test_metrics.csv), [test_metrics.json](test_metrics.json), "
      "[confusion.csv](confusion.csv).");
  const fs::path report_md = run_dir / "report.md";
  const std::string before = fs::exists(report_md) ? read_file_bytes(report_md) + "\n" : std::string();
  write_file_atomically(report_md, before + md.str());
}

}  // namespace moezoo::pipelines::lgest
