#include "core/runtime/run_report.h"

#include "core/report/heatmap.h"
#include "core/report/line_chart.h"
#include "core/report/markdown.h"
#include "core/report/png.h"

namespace moezoo::runtime {

namespace fs = std::filesystem;

namespace {

report::Series series_of(const MetricsTable& metrics, const std::string& column, const std::string& name) {
  report::Series s;
  s.name = name;
  for (const auto& [step, value] : metrics.series(column)) {
    s.x.push_back(step);
    s.y.push_back(value);
  }
  return s;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

/// Renders one chart over training steps to plots/<file> and links it in the report.
void add_plot(report::MarkdownReport& md, const fs::path& run_dir, const std::string& file,
              const std::vector<report::Series>& series, const std::string& title, const std::string& y_label) {
  if (series.empty()) return;
  report::LineChartOptions options;
  options.title = title;
  options.x_label = "step";
  options.y_label = y_label;
  report::write_png(run_dir / "plots" / file, report::render_line_chart(series, options));
  md.add_image(options.title, "plots/" + file);
}

std::vector<std::vector<std::string>> metric_rows(const std::map<std::string, double>& values) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, value] : values) rows.push_back({name, report::format_number(value, 5)});
  return rows;
}

/// Each layer's load divided by its mean over experts: 1 = balanced, 0 = dead.
std::vector<std::vector<double>> relative_load(const std::vector<std::vector<double>>& load) {
  std::vector<std::vector<double>> rows;
  for (const auto& layer : load) {
    double mean = 0;
    for (double v : layer) mean += v / static_cast<double>(layer.size());
    std::vector<double> row;
    for (double v : layer) row.push_back(mean > 0 ? v / mean : 0.0);
    rows.push_back(std::move(row));
  }
  return rows;
}

void add_load_balance(report::MarkdownReport& md, const fs::path& run_dir, const RunSummary& summary,
                      const MetricsTable& metrics) {
  md.add_heading(2, "Load balance");
  std::vector<report::Series> balance;
  for (const char* column : {"moe/cv", "moe/max_vio"})
    if (!metrics.series(column).empty()) balance.push_back(series_of(metrics, column, column + 4));
  add_plot(md, run_dir, "load_balance.png", balance, "Expert load balance (mean over MoE layers)", "CV / MaxVio");

  report::HeatmapOptions heat;
  heat.title = "Expert load / mean, epoch " + std::to_string(summary.load_epoch);
  heat.x_label = "expert";
  heat.y_label = "MoE layer";
  heat.vmin = 0.0;
  report::write_png(run_dir / "plots" / "expert_load.png",
                    report::render_heatmap(relative_load(summary.expert_load), summary.load_layers, {}, heat));
  md.add_image(heat.title, "plots/expert_load.png");
  md.add_paragraph("Load per epoch, layer and expert: [expert_load.csv](expert_load.csv).");
}

}  // namespace

void write_run_report(const fs::path& run_dir, const RunSummary& summary, const MetricsTable& metrics) {
  fs::create_directories(run_dir / "plots");
  report::MarkdownReport md;
  md.add_heading(1, summary.title);
  std::vector<std::vector<std::string>> facts;
  for (const auto& [k, v] : summary.facts) facts.push_back({k, v});
  md.add_table({"", ""}, facts);
  if (!summary.best_metrics.empty()) {
    md.add_heading(2, "Best evaluation");
    md.add_table({"metric", "value"}, metric_rows(summary.best_metrics));
  }
  if (!summary.last_metrics.empty()) {
    md.add_heading(2, "Final evaluation");
    md.add_table({"metric", "value"}, metric_rows(summary.last_metrics));
  }
  md.add_heading(2, "Training curves");

  // Losses (training, auxiliary, evaluation) on one chart; other metrics on another.
  auto is_loss = [](const std::string& column) { return column.find("loss") != std::string::npos; };
  std::vector<report::Series> losses{series_of(metrics, "loss", "train loss")};
  for (const auto& column : metrics.columns()) {
    if (starts_with(column, "aux/")) losses.push_back(series_of(metrics, column, column.substr(4)));
    if (starts_with(column, "eval/") && is_loss(column)) losses.push_back(series_of(metrics, column, column));
  }
  add_plot(md, run_dir, "loss.png", losses, "Losses", "loss");

  add_plot(md, run_dir, "lr.png", {series_of(metrics, "lr", "lr")}, "Learning rate", "lr");

  std::vector<report::Series> validation;
  for (const auto& column : metrics.columns())
    if ((starts_with(column, "eval/") && !is_loss(column)) || starts_with(column, "train/"))
      validation.push_back(series_of(metrics, column, column));
  add_plot(md, run_dir, "metrics.png", validation, "Metrics", "value");

  if (!summary.expert_load.empty()) add_load_balance(md, run_dir, summary, metrics);

  md.add_paragraph("Raw values: [metrics.csv](metrics.csv); resolved configuration: [config.yaml](config.yaml).");
  md.write(run_dir / "report.md");
}

}  // namespace moezoo::runtime
