#pragma once
/// Pixel queries shared by the chart tests: they find what a chart drew without
/// relying on its internal layout arithmetic.

#include <algorithm>
#include <functional>

#include "core/report/canvas.h"
#include "core/report/chart_style.h"
#include "core/report/image.h"

namespace moezoo::report::testing {

/// Bounding box of the pixels in `within` for which `match` holds; w == 0 when none.
inline Rect find_box(const Image& image, const std::function<bool(Rgb)>& match,
                     Rect within = {0, 0, 1 << 20, 1 << 20}) {
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
  for (int y = std::max(0, within.y); y < std::min(image.height(), within.bottom()); ++y) {
    for (int x = std::max(0, within.x); x < std::min(image.width(), within.right()); ++x) {
      if (!match(image.get(x, y))) continue;
      x0 = std::min(x0, x);
      y0 = std::min(y0, y);
      x1 = std::max(x1, x);
      y1 = std::max(y1, y);
    }
  }
  return x1 < 0 ? Rect{} : Rect{x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

inline Rect colour_box(const Image& image, Rgb colour, Rect within = {0, 0, 1 << 20, 1 << 20}) {
  return find_box(image, [colour](Rgb c) { return c == colour; }, within);
}

/// The interior of a line chart's frame. The frame's top and right edges are its
/// outermost frame-coloured pixels (ticks only point left and down); its left and bottom
/// edges are the column and row holding the most frame pixels.
inline Rect plot_area(const Image& image) {
  int top = -1, right = -1, best_col = 0, best_row = 0, left = 0, bottom = 0;
  for (int y = 0; y < image.height(); ++y) {
    int row_count = 0;
    for (int x = 0; x < image.width(); ++x) {
      if (image.get(x, y) != style::kFrame) continue;
      ++row_count;
      if (top < 0) top = y;
      right = std::max(right, x);
    }
    if (row_count > 0 && row_count >= best_row) {  // ties: the bottom edge is below the top one
      best_row = row_count;
      bottom = y;
    }
  }
  for (int x = 0; x < image.width(); ++x) {
    int col_count = 0;
    for (int y = 0; y < image.height(); ++y) col_count += image.get(x, y) == style::kFrame;
    if (col_count > best_col) {  // ties: the left edge comes before the right one
      best_col = col_count;
      left = x;
    }
  }
  return {left + 1, top + 1, right - left - 1, bottom - top - 1};
}

}  // namespace moezoo::report::testing
