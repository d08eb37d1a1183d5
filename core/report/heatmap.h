#pragma once
/// Heatmaps of a matrix, mainly expert load per layer (rows) and expert (columns).

#include <optional>
#include <string>
#include <vector>

#include "core/report/image.h"

namespace moezoo::report {

/// Text, cell sizing and colour range of a heatmap. The image size follows the matrix:
/// cells are sized to fill about plot_width x plot_height, within [cell_min, cell_max].
struct HeatmapOptions {
  std::string title, x_label, y_label;
  int cell_min = 4;           ///< pixels; keeps 100+ experts visible (the image grows instead)
  int cell_max = 48;          ///< pixels; keeps a 2x2 matrix from becoming huge blocks
  int plot_width = 720;       ///< preferred width of the cell grid in pixels
  int plot_height = 360;      ///< preferred height of the cell grid in pixels
  bool annotate = true;       ///< print values in the cells when every value fits
  std::optional<double> vmin, vmax;  ///< colour range; default: finite min / max of the data
};

/// Draws `rows` (ragged rows are padded with missing cells) with the viridis colormap,
/// a colour bar with its range, and row/column labels. Labels that would overlap are
/// thinned to every 2nd, 5th, 10th... one. Empty label vectors mean 0, 1, 2, ...; NaN
/// and infinite cells are drawn grey; no rows gives a small "no data" image. Throws
/// std::invalid_argument when a non-empty label vector does not match the number of
/// rows or columns, or when the grid would exceed 16000 pixels at cell_min.
Image render_heatmap(const std::vector<std::vector<double>>& rows, const std::vector<std::string>& row_labels,
                     const std::vector<std::string>& col_labels, const HeatmapOptions& options);

}  // namespace moezoo::report
