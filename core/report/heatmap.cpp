#include "core/report/heatmap.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/report/canvas.h"
#include "core/report/chart_style.h"
#include "core/report/font.h"
#include "core/report/number_format.h"
#include "core/report/palette.h"

namespace moezoo::report {
namespace {

using namespace style;

constexpr int kBarWidth = 14;
constexpr int kBarGap = 16;  // between the grid and the colour bar

// Smallest step in 1, 2, 5, 10, 20, 50, ... with step * cell >= needed, so that every
// step-th label has room and the labelled indices stay round numbers.
int label_step(int needed, int cell) {
  for (int base = 1;; base *= 10) {
    for (int m : {1, 2, 5}) {
      if (static_cast<long long>(m) * base * cell >= needed) return m * base;
    }
  }
}

std::vector<std::string> labels_or_indices(const std::vector<std::string>& labels, std::size_t n, const char* what) {
  if (labels.empty()) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(std::to_string(i));
    return out;
  }
  if (labels.size() != n) {
    throw std::invalid_argument(std::string("render_heatmap: ") + std::to_string(labels.size()) + " " + what +
                                " labels for " + std::to_string(n) + " " + what + "s");
  }
  return labels;
}

int widest(const std::vector<std::string>& labels) {
  int w = 0;
  for (const auto& s : labels) w = std::max(w, text_width(s));
  return w;
}

void draw_title(Canvas& canvas, const std::string& title, int centre) {
  if (title.empty()) return;
  const int tw = text_width(title, kTitleScale), w = canvas.image().width();
  canvas.text(std::clamp(centre, tw / 2 + 4, w - tw / 2 - 4), kMargin, title, kText, kTitleScale, Align::kCenter);
}

}  // namespace

Image render_heatmap(const std::vector<std::vector<double>>& rows, const std::vector<std::string>& row_labels,
                     const std::vector<std::string>& col_labels, const HeatmapOptions& options) {
  const std::size_t n_rows = rows.size();
  std::size_t n_cols = 0;
  for (const auto& r : rows) n_cols = std::max(n_cols, r.size());
  const int th = text_height();
  const int title_h = options.title.empty() ? 0 : text_height(kTitleScale) + 10;

  if (n_rows == 0 || n_cols == 0) {
    Image image(std::max(320, text_width(options.title, kTitleScale) + 2 * kMargin), 160, kBackground);
    Canvas canvas(image);
    draw_title(canvas, options.title, image.width() / 2);
    canvas.text(image.width() / 2, (title_h + 160) / 2 - th, "no data", kMutedText, 2, Align::kCenter);
    return image;
  }
  const std::vector<std::string> rlabels = labels_or_indices(row_labels, n_rows, "row");
  const std::vector<std::string> clabels = labels_or_indices(col_labels, n_cols, "column");

  // Colour range over finite values unless given.
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& r : rows) {
    for (double v : r) {
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!(lo <= hi)) {
    lo = 0;
    hi = 1;
  }
  if (options.vmin && std::isfinite(*options.vmin)) lo = *options.vmin;
  if (options.vmax && std::isfinite(*options.vmax)) hi = *options.vmax;
  auto colour_of = [&](double v) { return viridis(hi > lo ? (v - lo) / (hi - lo) : 0.5); };

  // Cell size: fill the preferred plot size, then keep cells from becoming thin slivers.
  const int cmin = std::max(1, options.cell_min), cmax = std::max(cmin, options.cell_max);
  int cell_w = std::clamp(options.plot_width / static_cast<int>(std::min<std::size_t>(n_cols, 1 << 20)), cmin, cmax);
  int cell_h = std::clamp(options.plot_height / static_cast<int>(std::min<std::size_t>(n_rows, 1 << 20)), cmin, cmax);
  cell_h = std::min(cell_h, std::max(cmin, 2 * cell_w));
  cell_w = std::min(cell_w, std::max(cmin, 3 * cell_h));
  const long long grid_w_ll = static_cast<long long>(n_cols) * cell_w;
  const long long grid_h_ll = static_cast<long long>(n_rows) * cell_h;
  if (grid_w_ll > 16000 || grid_h_ll > 16000) {
    throw std::invalid_argument("render_heatmap: " + std::to_string(n_rows) + "x" + std::to_string(n_cols) +
                                " cells do not fit in a 16000-pixel image at cell_min " + std::to_string(cmin));
  }
  const int grid_w = static_cast<int>(grid_w_ll), grid_h = static_cast<int>(grid_h_ll);

  // Values inside cells only when every one of them fits.
  std::vector<std::vector<std::string>> annotations;
  if (options.annotate && cell_h >= kFontCapHeight + 4) {
    bool fits = true;
    for (const auto& r : rows) {
      annotations.emplace_back();
      for (double v : r) {
        annotations.back().push_back(std::isfinite(v) ? format_number(v, 3) : "");
        fits = fits && text_width(annotations.back().back()) + 4 <= cell_w;
      }
    }
    if (!fits) annotations.clear();
  }

  // Column labels run vertically when they are words ("expert_12") that horizontal
  // placement would thin out; short numbers stay horizontal, every k-th, as they read
  // better that way.
  const int col_w = widest(clabels);
  const int step_h = label_step(col_w + 6, cell_w), step_v = label_step(th + 2, cell_w);
  const bool vertical = step_h > step_v && col_w > 24;
  const int col_step = vertical ? step_v : step_h;
  const int row_step = label_step(th + 2, cell_h);

  const int bar_h = std::max(grid_h, 60);
  const std::string max_label = format_number(hi, 3), min_label = format_number(lo, 3);
  const int bar_label_w = std::max(text_width(max_label), text_width(min_label));
  const int left = kMargin + (options.y_label.empty() ? 0 : th + kLabelGap) + widest(rlabels) + 6;
  const int top = kMargin + title_h + 4;
  const int col_label_h = vertical ? col_w : th;
  const int bottom = kMargin + 6 + col_label_h + (options.x_label.empty() ? 0 : kLabelGap + th);
  const int width = std::max(left + grid_w + kBarGap + kBarWidth + 6 + bar_label_w + kMargin,
                             text_width(options.title, kTitleScale) + 2 * kMargin);
  const int height = top + std::max(grid_h, bar_h) + bottom;

  Image image(width, height, kBackground);
  Canvas canvas(image);
  for (std::size_t r = 0; r < n_rows; ++r) {
    for (std::size_t c = 0; c < n_cols; ++c) {
      const double v = c < rows[r].size() ? rows[r][c] : NAN;
      const int x = left + static_cast<int>(c) * cell_w, y = top + static_cast<int>(r) * cell_h;
      const Rgb colour = std::isfinite(v) ? colour_of(v) : kMissing;
      canvas.fill_rect(x, y, cell_w, cell_h, colour);
      if (!annotations.empty() && c < annotations[r].size()) {
        const Rgb ink = luminance(colour) < 0.45 ? Rgb{255, 255, 255} : kText;
        canvas.text(x + cell_w / 2, y + (cell_h - kFontCapHeight) / 2, annotations[r][c], ink, 1, Align::kCenter);
      }
    }
  }
  canvas.stroke_rect(left - 1, top - 1, grid_w + 2, grid_h + 2, kFrame);

  // Labels: rows right-aligned to the left of the grid, columns below it.
  for (std::size_t r = 0; r < n_rows; r += row_step) {
    const int y = top + static_cast<int>(r) * cell_h + (cell_h - kFontCapHeight) / 2;
    canvas.text(left - 6, y, rlabels[r], kText, 1, Align::kRight);
  }
  const int col_top = top + grid_h + 6;
  for (std::size_t c = 0; c < n_cols; c += col_step) {
    const int centre = left + static_cast<int>(c) * cell_w + cell_w / 2;
    if (vertical) {
      canvas.text_vertical(centre - kFontCapHeight / 2, col_top, clabels[c], kText, 1, Align::kRight);
    } else {
      canvas.text(centre + 1, col_top, clabels[c], kText, 1, Align::kCenter);
    }
  }
  if (!options.x_label.empty()) {
    canvas.text(left + grid_w / 2, col_top + col_label_h + kLabelGap, options.x_label, kText, 1, Align::kCenter);
  }
  if (!options.y_label.empty()) {
    canvas.text_vertical(kMargin, top + grid_h / 2, options.y_label, kText, 1, Align::kCenter);
  }

  // Colour bar, top = max, with the range printed at its ends.
  const int bar_x = left + grid_w + kBarGap;
  for (int y = 0; y < bar_h; ++y) {
    canvas.fill_rect(bar_x, top + y, kBarWidth, 1, viridis(1.0 - static_cast<double>(y) / std::max(1, bar_h - 1)));
  }
  canvas.stroke_rect(bar_x - 1, top - 1, kBarWidth + 2, bar_h + 2, kFrame);
  canvas.text(bar_x + kBarWidth + 6, top, max_label, kText);
  canvas.text(bar_x + kBarWidth + 6, top + bar_h - kFontCapHeight, min_label, kText);

  draw_title(canvas, options.title, left + grid_w / 2);
  return image;
}

}  // namespace moezoo::report
