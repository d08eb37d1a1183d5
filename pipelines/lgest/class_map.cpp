#include "pipelines/lgest/class_map.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/io/npy.h"
#include "core/io/tensor_convert.h"
#include "core/report/canvas.h"
#include "core/report/chart_style.h"
#include "core/report/palette.h"
#include "core/report/png.h"
#include "core/util/error.h"

namespace moezoo::pipelines::lgest {

namespace fs = std::filesystem;
using report::Rgb;

Rgb class_color(int64_t c) {
  const Rgb base = report::tab10(static_cast<std::size_t>(c % 10));
  switch ((c / 10) % 3) {
    case 1:
      return report::mix(base, {255, 255, 255}, 0.45);
    case 2:
      return report::mix(base, {0, 0, 0}, 0.35);
    default:
      return base;
  }
}

report::Image render_label_map(const at::Tensor& labels) {
  const at::Tensor l = labels.to(torch::kCPU, torch::kLong).contiguous();
  const int64_t h = l.size(0), w = l.size(1);
  report::Image image(static_cast<int>(w), static_cast<int>(h));
  const int64_t* p = l.data_ptr<int64_t>();
  for (int64_t r = 0; r < h; ++r)
    for (int64_t c = 0; c < w; ++c) {
      const int64_t v = p[r * w + c];
      image.set(static_cast<int>(c), static_cast<int>(r), v <= 0 ? kUnlabeledColor : class_color(v - 1));
    }
  return image;
}

report::Image render_map_figure(const at::Tensor& ground_truth, const at::Tensor& prediction,
                                const std::vector<std::string>& class_names, const std::string& title) {
  using namespace report::style;
  const report::Image gt = render_label_map(ground_truth), pred = render_label_map(prediction);
  const int h = gt.height(), w = gt.width();
  const int scale = std::clamp(320 / std::max(h, w), 1, 8);
  const int panel_w = w * scale, panel_h = h * scale;
  const int title_h = report::text_height(kTitleScale) + 8, caption_h = report::text_height(1) + 6;
  const int swatch = 12, row_h = 18;
  std::vector<std::string> legend = class_names;
  legend.push_back("unlabeled (ground truth)");
  int legend_w = 0;
  for (const auto& name : legend) legend_w = std::max(legend_w, swatch + 6 + report::text_width(name));
  const int legend_h = static_cast<int>(legend.size()) * row_h;
  const int width = kMargin + panel_w + kMargin + panel_w + 2 * kMargin + legend_w + kMargin;
  const int height = kMargin + title_h + caption_h + std::max(panel_h, legend_h) + kMargin;

  report::Image image(std::max(width, report::text_width(title, kTitleScale) + 2 * kMargin), height, kBackground);
  report::Canvas canvas(image);
  canvas.text(kMargin, kMargin, title, kText, kTitleScale);
  const int top = kMargin + title_h + caption_h;
  const int x_gt = kMargin, x_pred = kMargin + panel_w + kMargin;
  canvas.text(x_gt, top - caption_h, "ground truth", kMutedText);
  canvas.text(x_pred, top - caption_h, "prediction (every pixel)", kMutedText);
  for (const auto& [source, x0] : {std::make_pair(&gt, x_gt), std::make_pair(&pred, x_pred)})
    for (int r = 0; r < h; ++r)
      for (int c = 0; c < w; ++c) canvas.fill_rect(x0 + c * scale, top + r * scale, scale, scale, source->get(c, r));
  const int x_legend = x_pred + panel_w + 2 * kMargin;
  for (size_t i = 0; i < legend.size(); ++i) {
    const int y = top + static_cast<int>(i) * row_h;
    const Rgb color = i + 1 == legend.size() ? kUnlabeledColor : class_color(static_cast<int64_t>(i));
    canvas.fill_rect(x_legend, y, swatch, swatch, color);
    canvas.stroke_rect(x_legend, y, swatch, swatch, kLegendBorder);
    canvas.text(x_legend + swatch + 6, y + 2, legend[i], kText);
  }
  return image;
}

ClassMapFiles write_class_map(const fs::path& dir, const at::Tensor& prediction, const at::Tensor& ground_truth,
                              const std::vector<std::string>& class_names, const std::string& title) {
  check_input(prediction.dim() == 2 && prediction.sizes() == ground_truth.sizes(), "classification map",
              "prediction and ground truth must both be [H, W]");
  fs::create_directories(dir);
  ClassMapFiles files{dir / "classification_map.npy", dir / "classification_map.png", dir / "ground_truth.png",
                      dir / "classification_figure.png"};
  io::write_npy(files.npy,
                io::from_tensor(prediction.to(torch::kCPU, torch::kLong).contiguous(), "classification map"));
  report::write_png(files.map_png, render_label_map(prediction));
  report::write_png(files.ground_truth_png, render_label_map(ground_truth));
  report::write_png(files.figure_png, render_map_figure(ground_truth, prediction, class_names, title));
  return files;
}

}  // namespace moezoo::pipelines::lgest
