#include "core/report/canvas.h"

#include <algorithm>
#include <cmath>

#include "core/report/font.h"

namespace moezoo::report {
namespace {

int clamp_scale(int scale) { return std::clamp(scale, 1, 8); }

Rect intersect(Rect a, Rect b) {
  const int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  const int x1 = std::min(a.right(), b.right()), y1 = std::min(a.bottom(), b.bottom());
  return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

bool finite(Point p) { return std::isfinite(p.x) && std::isfinite(p.y); }

// Distance from (px, py) to segment ab.
double segment_distance(double px, double py, Point a, Point b) {
  const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(px - (a.x + t * dx), py - (a.y + t * dy));
}

// Integer pixel range covering [lo, hi], clamped to [min, max) so huge coordinates
// (a log axis far below its range) cannot overflow an int.
void pixel_range(double lo, double hi, int min, int max, int& first, int& last) {
  first = static_cast<int>(std::clamp(std::floor(lo), static_cast<double>(min), static_cast<double>(max)));
  last = static_cast<int>(std::clamp(std::ceil(hi), static_cast<double>(min), static_cast<double>(max)));
}

}  // namespace

int text_width(std::string_view text, int scale) {
  int width = 0;
  for (char c : text) width += font_glyph(c).width + kFontSpacing;
  return text.empty() ? 0 : (width - kFontSpacing) * clamp_scale(scale);
}

int text_height(int scale) { return kFontRows * clamp_scale(scale); }

Canvas::Canvas(Image& image) : image_(image) { reset_clip(); }

void Canvas::set_clip(Rect clip) { clip_ = intersect(clip, {0, 0, image_.width(), image_.height()}); }

void Canvas::reset_clip() { clip_ = {0, 0, image_.width(), image_.height()}; }

void Canvas::fill_rect(int x, int y, int w, int h, Rgb color) {
  const Rect r = intersect({x, y, w, h}, clip_);
  for (int py = r.y; py < r.bottom(); ++py) {
    for (int px = r.x; px < r.right(); ++px) image_.put(px, py, color);
  }
}

void Canvas::stroke_rect(int x, int y, int w, int h, Rgb color, int thickness) {
  const int t = std::max(1, std::min({thickness, w / 2 + 1, h / 2 + 1}));
  fill_rect(x, y, w, t, color);
  fill_rect(x, y + h - t, w, t, color);
  fill_rect(x, y + t, t, h - 2 * t, color);
  fill_rect(x + w - t, y + t, t, h - 2 * t, color);
}

void Canvas::line(Point a, Point b, Rgb color, double thickness) { polyline({a, b}, color, thickness); }

void Canvas::polyline(const std::vector<Point>& points, Rgb color, double thickness) {
  const double r = std::max(thickness, 0.25) / 2.0;
  // Coverage is accumulated per pixel over the clip rectangle's bounding box of the
  // line, then blended once, so overlapping round caps at joins do not darken.
  double min_x = INFINITY, min_y = INFINITY, max_x = -INFINITY, max_y = -INFINITY;
  for (const Point& p : points) {
    if (!finite(p)) continue;
    min_x = std::min(min_x, p.x);
    max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
  }
  if (!(min_x <= max_x) || clip_.w == 0 || clip_.h == 0) return;
  int x0, x1, y0, y1;
  pixel_range(min_x - r - 1, max_x + r + 1, clip_.x, clip_.right(), x0, x1);
  pixel_range(min_y - r - 1, max_y + r + 1, clip_.y, clip_.bottom(), y0, y1);
  const int w = x1 - x0, h = y1 - y0;
  if (w <= 0 || h <= 0) return;
  std::vector<float> coverage(static_cast<std::size_t>(w) * h, 0.0f);

  auto cover_segment = [&](Point a, Point b) {
    int sx0, sx1, sy0, sy1;
    pixel_range(std::min(a.x, b.x) - r - 1, std::max(a.x, b.x) + r + 1, x0, x1, sx0, sx1);
    pixel_range(std::min(a.y, b.y) - r - 1, std::max(a.y, b.y) + r + 1, y0, y1, sy0, sy1);
    for (int py = sy0; py < sy1; ++py) {
      for (int px = sx0; px < sx1; ++px) {
        const double d = segment_distance(px + 0.5, py + 0.5, a, b);
        const float c = static_cast<float>(std::clamp(r + 0.5 - d, 0.0, 1.0));
        float& slot = coverage[static_cast<std::size_t>(py - y0) * w + (px - x0)];
        slot = std::max(slot, c);
      }
    }
  };
  const std::size_t n = points.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (!finite(points[i])) continue;
    const bool next = i + 1 < n && finite(points[i + 1]);
    const bool prev = i > 0 && finite(points[i - 1]);
    if (next) cover_segment(points[i], points[i + 1]);
    if (!next && !prev) cover_segment(points[i], points[i]);  // an isolated point stays visible
  }

  for (int py = y0; py < y1; ++py) {
    for (int px = x0; px < x1; ++px) {
      const float c = coverage[static_cast<std::size_t>(py - y0) * w + (px - x0)];
      if (c > 0.0f) blend(px, py, color, c);
    }
  }
}

void Canvas::disc(Point center, double radius, Rgb color) {
  if (!finite(center) || !(radius > 0)) return;
  int x0, x1, y0, y1;
  pixel_range(center.x - radius - 1, center.x + radius + 1, clip_.x, clip_.right(), x0, x1);
  pixel_range(center.y - radius - 1, center.y + radius + 1, clip_.y, clip_.bottom(), y0, y1);
  for (int py = y0; py < y1; ++py) {
    for (int px = x0; px < x1; ++px) {
      const double d = std::hypot(px + 0.5 - center.x, py + 0.5 - center.y);
      blend(px, py, color, std::clamp(radius + 0.5 - d, 0.0, 1.0));
    }
  }
}

template <typename Put>
void Canvas::for_each_ink(std::string_view text, int scale, Put&& put) {
  int pen = 0;
  for (char c : text) {
    const Glyph& g = font_glyph(c);
    for (int row = 0; row < kFontRows; ++row) {
      for (int col = 0; col < g.width; ++col) {
        if (!(g.rows[row] & (1U << col))) continue;
        for (int dy = 0; dy < scale; ++dy) {
          for (int dx = 0; dx < scale; ++dx) put((pen + col) * scale + dx, row * scale + dy);
        }
      }
    }
    pen += g.width + kFontSpacing;
  }
}

void Canvas::text(int x, int y, std::string_view text, Rgb color, int scale, Align align) {
  scale = clamp_scale(scale);
  const int width = text_width(text, scale);
  const int left = align == Align::kLeft ? x : align == Align::kCenter ? x - width / 2 : x - width;
  for_each_ink(text, scale, [&](int u, int v) { blend(left + u, y + v, color, 1.0); });
}

void Canvas::text_vertical(int x, int y, std::string_view text, Rgb color, int scale, Align align) {
  scale = clamp_scale(scale);
  const int width = text_width(text, scale);
  // Text runs upward from `bottom`; row v of the text becomes column x + v.
  const int bottom = align == Align::kLeft ? y : align == Align::kCenter ? y + width / 2 : y + width;
  for_each_ink(text, scale, [&](int u, int v) { blend(x + v, bottom - 1 - u, color, 1.0); });
}

}  // namespace moezoo::report
