#include "pipelines/m4fuse/overlay.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/report/canvas.h"
#include "core/report/chart_style.h"
#include "core/report/png.h"
#include "core/util/error.h"

namespace moezoo::pipelines::m4fuse {

using report::Rgb;

Rgb label_color(int64_t label) {
  switch (label) {
    case 1:
      return {220, 40, 40};  // NCR
    case 2:
      return {40, 200, 60};  // ED
    case 4:
      return {250, 220, 30};  // ET
    default:
      return {0, 0, 0};
  }
}

std::vector<int64_t> overlay_slices(const at::Tensor& labels, int count) {
  const int64_t depth = labels.size(0);
  const at::Tensor per_slice = labels.gt(0).flatten(1).sum(1);  // [D]
  const at::Tensor present = per_slice.nonzero().flatten();
  int64_t first = 0, last = depth - 1;
  if (present.numel() > 0) {
    first = present.min().item<int64_t>();
    last = present.max().item<int64_t>();
  }
  std::vector<int64_t> out;
  for (int i = 0; i < count; ++i) {
    const int64_t z = first + (last - first) * (i + 1) / (count + 1);
    if (out.empty() || out.back() != z) out.push_back(z);
  }
  return out;
}

report::Image render_overlay(const at::Tensor& flair, const at::Tensor& labels, const std::string& title, int count) {
  using namespace report::style;
  check_input(flair.dim() == 3 && flair.sizes() == labels.sizes(), "overlay", "flair and labels must be [D, H, W]");
  const at::Tensor f = flair.to(torch::kCPU, torch::kFloat32).contiguous();
  const at::Tensor l = labels.to(torch::kCPU, torch::kLong).contiguous();
  // Grey levels from the 0.5th to the 99.5th percentile inside the brain (non-zero voxels), so
  // that raw and z-scored images look alike; the background stays black.
  const at::Tensor brain = f.ne(0);
  double low = 0.0, high = 1.0;
  if (brain.any().item<bool>()) {
    const at::Tensor values = std::get<0>(f.masked_select(brain).sort());
    const auto at_quantile = [&](double q) {
      return values[static_cast<int64_t>(q * static_cast<double>(values.numel() - 1))].item<double>();
    };
    low = at_quantile(0.005);
    high = std::max(low + 1e-6, at_quantile(0.995));
  }
  const auto slices = overlay_slices(l, count);
  const int h = static_cast<int>(f.size(1)), w = static_cast<int>(f.size(2));
  const int scale = std::clamp(200 / std::max(h, w), 1, 8);
  const int panel_w = w * scale, panel_h = h * scale;
  const int title_h = report::text_height(kTitleScale) + 8, caption_h = report::text_height(1) + 6;
  const std::vector<std::pair<int64_t, std::string>> legend{{1, "NCR (1)"}, {2, "ED (2)"}, {4, "ET (4)"}};
  const int swatch = 12, row_h = 18;
  int legend_w = 0;
  for (const auto& [label, name] : legend) legend_w = std::max(legend_w, swatch + 6 + report::text_width(name));
  const int n = static_cast<int>(slices.size());
  const int width = std::max(kMargin + n * (panel_w + kMargin) + kMargin + legend_w + kMargin,
                             report::text_width(title, kTitleScale) + 2 * kMargin);
  const int height = kMargin + title_h + caption_h + std::max(panel_h, 3 * row_h) + kMargin;
  report::Image image(width, height, kBackground);
  report::Canvas canvas(image);
  canvas.text(kMargin, kMargin, title, kText, kTitleScale);
  const int y0 = kMargin + title_h + caption_h;
  const float* fp = f.data_ptr<float>();
  const int64_t* lp = l.data_ptr<int64_t>();
  for (int i = 0; i < n; ++i) {
    const int x0 = kMargin + i * (panel_w + kMargin);
    const int64_t z = slices[static_cast<size_t>(i)];
    canvas.text(x0, y0 - caption_h, "axial slice " + std::to_string(z), kMutedText);
    for (int r = 0; r < h; ++r)
      for (int c = 0; c < w; ++c) {
        const int64_t at = (z * h + r) * w + c;
        const double v = fp[at] == 0.0f ? 0.0 : std::clamp((fp[at] - low) / (high - low), 0.0, 1.0);
        const auto grey = static_cast<std::uint8_t>(v * 255.0);
        Rgb color{grey, grey, grey};
        if (lp[at] > 0) color = report::mix(color, label_color(lp[at]), 0.55);
        canvas.fill_rect(x0 + c * scale, y0 + r * scale, scale, scale, color);
      }
  }
  const int x_legend = kMargin + n * (panel_w + kMargin) + kMargin;
  for (size_t i = 0; i < legend.size(); ++i) {
    const int y = y0 + static_cast<int>(i) * row_h;
    canvas.fill_rect(x_legend, y, swatch, swatch, label_color(legend[i].first));
    canvas.stroke_rect(x_legend, y, swatch, swatch, kLegendBorder);
    canvas.text(x_legend + swatch + 6, y + 2, legend[i].second, kText);
  }
  return image;
}

void write_overlay(const std::filesystem::path& path, const at::Tensor& flair, const at::Tensor& labels,
                   const std::string& title, int count) {
  report::write_png(path, render_overlay(flair, labels, title, count));
}

}  // namespace moezoo::pipelines::m4fuse
