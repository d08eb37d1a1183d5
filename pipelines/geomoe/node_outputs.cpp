#include "pipelines/geomoe/node_outputs.h"

#include <torch/torch.h>

#include <sstream>

#include "core/report/line_chart.h"
#include "core/report/png.h"
#include "core/util/atomic_file.h"

namespace moezoo::pipelines::geomoe {

namespace {

/// "train" / "val" / "test" / "none" per node.
std::vector<std::string> node_splits(const datasets::graph::GraphData& graph) {
  std::vector<std::string> splits(static_cast<size_t>(graph.num_nodes()), "none");
  const std::pair<const at::Tensor*, const char*> masks[] = {
      {&graph.test_mask, "test"}, {&graph.val_mask, "val"}, {&graph.train_mask, "train"}};
  for (const auto& [mask, name] : masks) {
    const at::Tensor m = mask->to(torch::kCPU).contiguous();
    const bool* data = m.data_ptr<bool>();
    for (size_t v = 0; v < splits.size(); ++v)
      if (data[v]) splits[v] = name;
  }
  return splits;
}

}  // namespace

void write_node_predictions_csv(const std::filesystem::path& path, const datasets::graph::GraphData& graph,
                                const at::Tensor& logits, const at::Tensor& expert_weights,
                                const at::Tensor& node_curvature, const std::vector<std::string>& expert_names) {
  const at::Tensor probs = torch::softmax(logits.to(torch::kCPU, torch::kFloat64), 1).contiguous();
  const auto y = graph.y.to(torch::kCPU);
  const at::Tensor weights =
      expert_weights.defined() ? expert_weights.to(torch::kCPU, torch::kFloat64).contiguous() : at::Tensor();
  const at::Tensor curvature =
      node_curvature.defined() ? node_curvature.to(torch::kCPU, torch::kFloat64).contiguous() : at::Tensor();
  const int64_t n = probs.size(0), classes = probs.size(1);
  const auto splits = node_splits(graph);

  std::ostringstream out;
  out.precision(6);
  out << "node,split,label,prediction,confidence";
  for (int64_t c = 0; c < classes; ++c) out << ",prob_" << c;
  if (curvature.defined()) out << ",curvature";
  if (weights.defined())
    for (const auto& name : expert_names) out << ",weight_" << name;
  out << "\n";
  const auto p = probs.accessor<double, 2>();
  const auto labels = y.accessor<int64_t, 1>();
  for (int64_t v = 0; v < n; ++v) {
    int64_t best = 0;
    for (int64_t c = 1; c < classes; ++c)
      if (p[v][c] > p[v][best]) best = c;
    out << v << ',' << splits[v] << ',' << labels[v] << ',' << best << ',' << p[v][best];
    for (int64_t c = 0; c < classes; ++c) out << ',' << p[v][c];
    if (curvature.defined()) out << ',' << curvature.data_ptr<double>()[v];
    if (weights.defined())
      for (int64_t e = 0; e < weights.size(1); ++e) out << ',' << weights.data_ptr<double>()[v * weights.size(1) + e];
    out << '\n';
  }
  write_file_atomically(path, out.str());
}

void plot_gate_against_curvature(const std::filesystem::path& png, const at::Tensor& expert_weights,
                                 const at::Tensor& node_curvature, const std::vector<std::string>& expert_names,
                                 int bins) {
  const at::Tensor w = expert_weights.to(torch::kCPU, torch::kFloat64);
  const at::Tensor c = node_curvature.to(torch::kCPU, torch::kFloat64);
  const double lo = c.min().item<double>(), hi = c.max().item<double>();
  const double width = hi > lo ? (hi - lo) / bins : 1.0;
  const at::Tensor bin = ((c - lo) / width).floor().clamp(0, bins - 1).to(torch::kLong);
  const at::Tensor count = torch::zeros({bins}, w.options()).index_add(0, bin, torch::ones_like(c));
  const at::Tensor sums = torch::zeros({bins, w.size(1)}, w.options()).index_add(0, bin, w);

  std::vector<report::Series> series(static_cast<size_t>(w.size(1)));
  for (int64_t e = 0; e < w.size(1); ++e) {
    series[e].name = expert_names[e];
    for (int64_t b = 0; b < bins; ++b) {
      const double nodes = count[b].item<double>();
      if (nodes == 0) continue;
      series[e].x.push_back(lo + (b + 0.5) * width);
      series[e].y.push_back(sums[b][e].item<double>() / nodes);
    }
  }
  report::LineChartOptions options;
  options.title = "Gate weight against node curvature";
  options.x_label = "node Ollivier-Ricci curvature (mean over edges)";
  options.y_label = "mean gate weight";
  report::write_png(png, report::render_line_chart(series, options));
}

}  // namespace moezoo::pipelines::geomoe
