#include "core/report/heatmap.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/report/canvas.h"
#include "core/report/palette.h"
#include "tests/core/report/chart_test_util.h"

namespace moezoo::report {
namespace {

// Options with a fixed cell size, so cell positions follow from the grid's corner.
HeatmapOptions fixed_cells(int cell) {
  HeatmapOptions o;
  o.title = "Expert load";
  o.x_label = "expert";
  o.y_label = "layer";
  o.cell_min = o.cell_max = cell;
  o.annotate = false;
  return o;
}

// Top-left pixel of cell (0, 0): inside the first frame-coloured pixel in reading order.
std::pair<int, int> grid_origin(const Image& image) {
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      if (image.get(x, y) == style::kFrame) return {x + 1, y + 1};
    }
  }
  ADD_FAILURE() << "no frame found";
  return {0, 0};
}

Rgb cell_colour(const Image& image, int row, int col, int cell) {
  const auto [x0, y0] = grid_origin(image);
  return image.get(x0 + col * cell + cell / 2, y0 + row * cell + cell / 2);
}

TEST(Heatmap, MinimumIsDarkPurpleAndMaximumYellow) {
  const Image image = render_heatmap({{0.0, 0.5}, {0.5, 1.0}}, {}, {}, fixed_cells(20));
  const Rgb low = cell_colour(image, 0, 0, 20), high = cell_colour(image, 1, 1, 20);
  EXPECT_EQ(low, viridis(0.0));
  EXPECT_EQ(high, viridis(1.0));
  EXPECT_EQ(cell_colour(image, 0, 1, 20), viridis(0.5));
  EXPECT_EQ(cell_colour(image, 1, 0, 20), viridis(0.5));
  // Dark purple: dark, blue and red over green. Yellow: bright red and green, little blue.
  EXPECT_LT(luminance(low), 0.15);
  EXPECT_GT(low.b, low.g + 40);
  EXPECT_GT(low.r, low.g + 40);
  EXPECT_GT(high.r, 220);
  EXPECT_GT(high.g, 200);
  EXPECT_LT(high.b, 80);
}

TEST(Heatmap, MissingCellsAreGreyAndRangeCanBeFixed) {
  HeatmapOptions o = fixed_cells(16);
  o.vmin = 0.0;
  o.vmax = 1.0;
  const Image image = render_heatmap({{0.25, NAN, 0.75}, {1.0}}, {"a", "b"}, {"x", "y", "z"}, o);
  EXPECT_EQ(cell_colour(image, 0, 0, 16), viridis(0.25));
  EXPECT_EQ(cell_colour(image, 0, 1, 16), style::kMissing);
  EXPECT_EQ(cell_colour(image, 0, 2, 16), viridis(0.75));
  EXPECT_EQ(cell_colour(image, 1, 1, 16), style::kMissing);  // ragged row padded
}

TEST(Heatmap, ConstantMatrixUsesTheMiddleColour) {
  const Image image = render_heatmap({{3, 3}, {3, 3}}, {}, {}, fixed_cells(10));
  EXPECT_EQ(cell_colour(image, 1, 1, 10), viridis(0.5));
}

TEST(Heatmap, SixtyFourExpertsKeepLabelsApart) {
  std::vector<std::vector<double>> load(4, std::vector<double>(64));
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 64; ++c) load[r][c] = std::fmod(r * 7.0 + c * 3.0, 11.0);
  }
  HeatmapOptions o = fixed_cells(11);
  const Image image = render_heatmap(load, {}, {}, o);
  EXPECT_LT(image.width(), 1000);
  const auto [x0, y0] = grid_origin(image);
  // Column labels sit in the band just below the grid; find their ink runs.
  const int band_top = y0 + 4 * 11 + 2, band_bottom = band_top + 20;
  std::vector<std::pair<int, int>> runs;  // [first, last] ink columns
  for (int x = 0; x < image.width(); ++x) {
    bool ink = false;
    for (int y = band_top; y < band_bottom; ++y) ink = ink || image.get(x, y) == style::kText;
    if (!ink) continue;
    if (!runs.empty() && runs.back().second >= x - 2) {  // glyphs of one label are 1 column apart
      runs.back().second = x;
    } else {
      runs.push_back({x, x});
    }
  }
  ASSERT_GE(runs.size(), 16u);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    EXPECT_LE(runs[i].second - runs[i].first + 1, text_width("63")) << "labels merged near x=" << runs[i].first;
    if (i > 0) {
      EXPECT_GE(runs[i].first - runs[i - 1].second, 4);
    }
  }
  EXPECT_GE(runs.front().first, x0);
}

TEST(Heatmap, AnnotatesValuesWithContrastingInk) {
  HeatmapOptions o;
  o.cell_min = o.cell_max = 40;
  const Image image = render_heatmap({{0.0, 1.0}}, {}, {}, o);
  const auto [x0, y0] = grid_origin(image);
  const Rect dark_cell{x0, y0, 40, 40}, bright_cell{x0 + 40, y0, 40, 40};
  EXPECT_GT(testing::colour_box(image, {255, 255, 255}, dark_cell).w, 0);  // white text on purple
  EXPECT_GT(testing::colour_box(image, style::kText, bright_cell).w, 0);   // dark text on yellow
}

TEST(Heatmap, EmptyInputAndBadLabels) {
  Image empty;
  ASSERT_NO_THROW(empty = render_heatmap({}, {}, {}, HeatmapOptions{}));
  EXPECT_FALSE(empty.empty());
  EXPECT_NO_THROW(render_heatmap({{}, {}}, {}, {}, HeatmapOptions{}));
  EXPECT_THROW(render_heatmap({{1, 2}}, {"a", "b"}, {}, HeatmapOptions{}), std::invalid_argument);
  EXPECT_THROW(render_heatmap({{1, 2}}, {}, {"only one"}, HeatmapOptions{}), std::invalid_argument);
}

}  // namespace
}  // namespace moezoo::report
