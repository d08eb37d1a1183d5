#include "core/report/line_chart.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/report/canvas.h"
#include "core/report/chart_style.h"
#include "core/report/font.h"
#include "core/report/palette.h"
#include "core/report/ticks.h"

namespace moezoo::report {
namespace {

using namespace style;

// One axis: its data range (already padded) and where its ticks go.
struct Axis {
  double lo = 0, hi = 1;
  bool log = false;
  std::vector<double> ticks;
  std::vector<std::string> labels;

  // Position of v along the axis in [0, 1] (outside for values out of range).
  double unit(double v) const {
    if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  }
  void make_ticks(int max_ticks) {
    ticks = log ? log_ticks(lo, hi, max_ticks) : linear_ticks(lo, hi, max_ticks);
    labels = log ? log_tick_labels(ticks) : linear_tick_labels(ticks);
  }
};

double x_at(const Series& s, std::size_t i) { return s.x.empty() ? static_cast<double>(i) : s.x[i]; }

bool usable(double x, double y, bool log_y) { return std::isfinite(x) && std::isfinite(y) && (!log_y || y > 0); }

// Widens [lo, hi] by `fraction` of its span on each side (in log space for a log axis);
// a zero span gets a fixed pad so constant data still has a readable axis.
void pad(Axis& axis, double fraction) {
  if (axis.log) {
    double a = std::log10(axis.lo), b = std::log10(axis.hi);
    const double span = b - a;
    a -= span > 0 ? span * fraction : 0.5;
    b += span > 0 ? span * fraction : 0.5;
    axis.lo = std::pow(10.0, a);
    axis.hi = std::pow(10.0, b);
    return;
  }
  const double span = axis.hi - axis.lo;
  if (span > 0) {
    axis.lo -= span * fraction;
    axis.hi += span * fraction;
  } else {
    const double d = axis.lo == 0 ? 1.0 : std::fabs(axis.lo) * 0.1;
    axis.lo -= d;
    axis.hi += d;
  }
}

int widest(const std::vector<std::string>& labels) {
  int w = 0;
  for (const auto& s : labels) w = std::max(w, text_width(s));
  return w;
}

// Number of pixels in `r` that carry data ink: anything but background and grid.
int ink_in(const Image& image, Rect r) {
  int count = 0;
  for (int y = std::max(0, r.y); y < std::min(image.height(), r.bottom()); ++y) {
    for (int x = std::max(0, r.x); x < std::min(image.width(), r.right()); ++x) {
      const Rgb c = image.get(x, y);
      if (c != kBackground && c != kGrid && c != kMinorGrid) ++count;
    }
  }
  return count;
}

// Legend entries (named series) and the size of the box that lists them.
struct Legend {
  std::vector<std::size_t> entries;
  int w = 0, h = 0;
};

constexpr int kLegendPad = 8, kLegendSample = 20, kLegendSampleGap = 6, kLegendInset = 8;

Legend measure_legend(const std::vector<Series>& series) {
  Legend legend;
  int text_w = 0;
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (series[i].name.empty()) continue;
    legend.entries.push_back(i);
    text_w = std::max(text_w, text_width(series[i].name));
  }
  if (legend.entries.empty()) return legend;
  legend.w = kLegendPad + kLegendSample + kLegendSampleGap + text_w + kLegendPad;
  legend.h = 2 * kLegendPad + static_cast<int>(legend.entries.size()) * (text_height() + 4) - 4;
  return legend;
}

// Like matplotlib's loc="best": the plot corner whose box covers the fewest data pixels,
// preferring upper right, upper left, lower right, lower left on ties.
Rect best_corner(const Image& image, Rect plot, const Legend& legend, int& ink) {
  const int w = legend.w, h = legend.h;
  const int left = plot.x + kLegendInset, right = plot.right() - kLegendInset - w;
  const int top = plot.y + kLegendInset, bottom = plot.bottom() - kLegendInset - h;
  const Rect candidates[] = {{right, top, w, h}, {left, top, w, h}, {right, bottom, w, h}, {left, bottom, w, h}};
  Rect best = candidates[0];
  ink = -1;
  for (const Rect& r : candidates) {
    const int covered = ink_in(image, r);
    if (ink < 0 || covered < ink) {
      best = r;
      ink = covered;
    }
  }
  return best;
}

void draw_legend(Canvas& canvas, const std::vector<Series>& series, const Legend& legend, Rect box) {
  canvas.fill_rect(box.x, box.y, box.w, box.h, kBackground);
  canvas.stroke_rect(box.x, box.y, box.w, box.h, kLegendBorder);
  int y = box.y + kLegendPad;
  for (std::size_t i : legend.entries) {
    const double mid = y + kFontCapHeight / 2.0;
    canvas.line({box.x + kLegendPad + 0.5, mid}, {box.x + kLegendPad + kLegendSample - 0.5, mid}, tab10(i), 2.0);
    canvas.text(box.x + kLegendPad + kLegendSample + kLegendSampleGap, y, series[i].name, kText);
    y += text_height() + 4;
  }
}

// Draws the chart with the legend inside the plot (reporting in `legend_ink` how much
// data it covers) or, when `legend_outside`, in a column right of the plot.
Image draw_chart(const std::vector<Series>& series, const LineChartOptions& options, const Legend& legend,
                 bool legend_outside, int& legend_ink) {
  const int W = options.width, H = options.height;
  // Data extent over usable points only.
  Axis ax, ay;
  ay.log = options.log_y;
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const Series& s : series) {
    for (std::size_t i = 0; i < s.y.size(); ++i) {
      const double x = x_at(s, i), y = s.y[i];
      if (!usable(x, y, ay.log)) continue;
      x0 = std::min(x0, x);
      x1 = std::max(x1, x);
      y0 = std::min(y0, y);
      y1 = std::max(y1, y);
    }
  }
  const bool has_data = x0 <= x1;
  if (has_data) {
    ax.lo = x0;
    ax.hi = x1;
    ay.lo = y0;
    ay.hi = y1;
    pad(ax, 0.02);
    pad(ay, 0.05);
  } else if (ay.log) {
    ay.lo = 1;
    ay.hi = 10;
  }

  // Layout: margins grow with what they hold; the plot area takes the rest.
  const int th = text_height();
  const int title_h = options.title.empty() ? 0 : text_height(kTitleScale) + 10;
  const int top = kMargin + title_h + 4;
  const int bottom = kMargin + kTickLength + kTickGap + th + (options.x_label.empty() ? 0 : kLabelGap + th);
  const int plot_h = std::max(20, H - top - bottom);
  ay.make_ticks(std::clamp(plot_h / 45, 3, 10));
  const int y_label_w = options.y_label.empty() ? 0 : th + kLabelGap;
  const int left = kMargin + y_label_w + widest(ay.labels) + kTickGap + kTickLength;
  ax.make_ticks(10);
  const int right = kMargin + std::max(widest(ax.labels) / 2, legend_outside ? legend.w + kLegendInset : 0);
  const Rect plot{left, top, std::max(20, W - left - right), plot_h};
  // Fewer x ticks until neighbouring labels keep a clear gap.
  for (int max_ticks = std::clamp(plot.w / 70, 2, 12); max_ticks >= 2; --max_ticks) {
    ax.make_ticks(max_ticks);
    if (ax.ticks.size() < 2) break;
    const double spacing = (ax.unit(ax.ticks[1]) - ax.unit(ax.ticks[0])) * plot.w;
    if (spacing >= widest(ax.labels) + 16) break;
  }

  auto px = [&](double x) { return plot.x + 0.5 + ax.unit(x) * (plot.w - 1); };
  auto py = [&](double y) { return plot.y + 0.5 + (1.0 - ay.unit(y)) * (plot.h - 1); };

  Image image(W, H, kBackground);
  Canvas canvas(image);

  // Grid first so data draws over it. Between powers of ten that are one decade apart
  // a log axis gets faint 2x..9x lines, so values can be read off between the labels.
  if (ay.log && ay.ticks.size() >= 2 && std::fabs(ay.ticks[1] / ay.ticks[0] - 10.0) < 1e-6) {
    for (int e = static_cast<int>(std::floor(std::log10(ay.lo))); e <= std::ceil(std::log10(ay.hi)); ++e) {
      for (int m = 2; m <= 9; ++m) {
        const double v = m * std::pow(10.0, e);
        if (v > ay.lo && v < ay.hi) canvas.fill_rect(plot.x, static_cast<int>(py(v)), plot.w, 1, kMinorGrid);
      }
    }
  }
  for (double t : ax.ticks) canvas.fill_rect(static_cast<int>(px(t)), plot.y, 1, plot.h, kGrid);
  for (double t : ay.ticks) canvas.fill_rect(plot.x, static_cast<int>(py(t)), plot.w, 1, kGrid);

  canvas.set_clip(plot);
  for (std::size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    std::vector<Point> points;
    points.reserve(s.y.size());
    for (std::size_t i = 0; i < s.y.size(); ++i) {
      const double x = x_at(s, i), y = s.y[i];
      points.push_back(usable(x, y, ay.log) ? Point{px(x), py(y)} : Point{NAN, NAN});
    }
    canvas.polyline(points, tab10(k), options.line_width);
    if (points.size() == 1) canvas.disc(points[0], options.line_width + 1.0, tab10(k));
  }
  canvas.reset_clip();
  if (!has_data) {
    canvas.text(plot.x + plot.w / 2, plot.y + plot.h / 2 - th / 2, "no data", kMutedText, 2, Align::kCenter);
  }

  legend_ink = 0;
  if (legend.w > 0) {
    const Rect box = legend_outside ? Rect{plot.right() + 1 + kLegendInset, plot.y - 1, legend.w, legend.h}
                                    : best_corner(image, plot, legend, legend_ink);
    draw_legend(canvas, series, legend, box);
  }
  canvas.stroke_rect(plot.x - 1, plot.y - 1, plot.w + 2, plot.h + 2, kFrame);

  // Ticks and their labels.
  const int x_label_top = plot.bottom() + 1 + kTickLength + kTickGap;
  for (std::size_t i = 0; i < ax.ticks.size(); ++i) {
    const int x = static_cast<int>(px(ax.ticks[i]));
    canvas.fill_rect(x, plot.bottom() + 1, 1, kTickLength, kFrame);
    canvas.text(x + 1, x_label_top, ax.labels[i], kText, 1, Align::kCenter);
  }
  const int y_label_right = plot.x - 1 - kTickLength - kTickGap;
  for (std::size_t i = 0; i < ay.ticks.size(); ++i) {
    const int y = static_cast<int>(py(ay.ticks[i]));
    canvas.fill_rect(plot.x - 1 - kTickLength, y, kTickLength, 1, kFrame);
    canvas.text(y_label_right, y - kFontCapHeight / 2, ay.labels[i], kText, 1, Align::kRight);
  }

  // Axis labels and title.
  if (!options.x_label.empty()) {
    canvas.text(plot.x + plot.w / 2, x_label_top + th + kLabelGap - 2, options.x_label, kText, 1, Align::kCenter);
  }
  if (!options.y_label.empty()) {
    canvas.text_vertical(kMargin, plot.y + plot.h / 2, options.y_label, kText, 1, Align::kCenter);
  }
  if (!options.title.empty()) {
    const int tw = text_width(options.title, kTitleScale);
    const int centre = std::clamp(plot.x + plot.w / 2, tw / 2 + 4, W - tw / 2 - 4);
    canvas.text(centre, kMargin, options.title, kText, kTitleScale, Align::kCenter);
  }
  return image;
}

}  // namespace

Image render_line_chart(const std::vector<Series>& series, const LineChartOptions& options) {
  const int W = options.width, H = options.height;
  if (W < 160 || H < 120 || W > 8000 || H > 8000) {
    throw std::invalid_argument("render_line_chart: size " + std::to_string(W) + "x" + std::to_string(H) +
                                " outside 160x120 .. 8000x8000");
  }
  for (const Series& s : series) {
    if (!s.x.empty() && s.x.size() != s.y.size()) {
      throw std::invalid_argument("render_line_chart: series '" + s.name + "' has " + std::to_string(s.x.size()) +
                                  " x values but " + std::to_string(s.y.size()) + " y values");
    }
  }
  const Legend legend = measure_legend(series);
  int ink = 0;
  Image image = draw_chart(series, options, legend, false, ink);
  // When every corner hides data (many crossing curves), give the legend its own
  // column, as long as the plot keeps most of the width.
  if (ink > legend.w * legend.h / 50 && legend.w < W / 3) image = draw_chart(series, options, legend, true, ink);
  return image;
}

}  // namespace moezoo::report
