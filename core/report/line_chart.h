#pragma once
/// Line charts of training curves (loss, accuracy, learning rate, load-balance metrics).

#include <string>
#include <vector>

#include "core/report/image.h"

namespace moezoo::report {

/// One named curve. `x` may be empty, meaning 0, 1, 2, ...; otherwise it must have the
/// same length as `y`. Non-finite points (and y <= 0 on a log axis) are skipped and
/// break the line there.
struct Series {
  std::string name;
  std::vector<double> x, y;
};

/// Text and size of a line chart.
struct LineChartOptions {
  std::string title, x_label, y_label;  ///< empty: left out, and its space goes to the plot
  int width = 800, height = 500;        ///< image size in pixels
  bool log_y = false;                   ///< log10 y axis; y <= 0 is skipped like NaN
  double line_width = 2.0;  ///< pixels
};

/// Draws `series` (tab10 colours in order) with nice 1-2-5 ticks, grid, legend placed in
/// the plot corner that hides the least data, title and axis labels. Never throws for
/// awkward data (no series, no finite point, one point, constant y); throws
/// std::invalid_argument when a series has x and y of different lengths, or the size
/// is below 160x120 or above 8000x8000.
Image render_line_chart(const std::vector<Series>& series, const LineChartOptions& options);

}  // namespace moezoo::report
