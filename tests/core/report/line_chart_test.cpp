#include "core/report/line_chart.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/report/palette.h"
#include "tests/core/report/chart_test_util.h"

namespace moezoo::report {
namespace {

using testing::colour_box;
using testing::find_box;
using testing::plot_area;

bool inside(Rect inner, Rect outer) {
  return inner.x >= outer.x && inner.y >= outer.y && inner.right() <= outer.right() && inner.bottom() <= outer.bottom();
}

Series curve(const std::string& name, int n, const std::function<double(double)>& f) {
  Series s{name, {}, {}};
  for (int i = 0; i < n; ++i) {
    s.x.push_back(i);
    s.y.push_back(f(i));
  }
  return s;
}

LineChartOptions labelled() {
  LineChartOptions o;
  o.title = "Training loss";
  o.x_label = "step";
  o.y_label = "loss";
  return o;
}

TEST(LineChart, SeriesIsDrawnInsideThePlotAreaOnly) {
  const Series s = curve("", 200, [](double x) { return std::sin(x / 20.0) * 3 + 1; });
  const Image image = render_line_chart({s}, labelled());
  ASSERT_EQ(image.width(), 800);
  ASSERT_EQ(image.height(), 500);
  const Rect plot = plot_area(image);
  EXPECT_GT(plot.w, 600);
  EXPECT_GT(plot.h, 350);
  const Rect ink = colour_box(image, tab10(0));
  ASSERT_GT(ink.w, 0) << "series colour not found";
  EXPECT_TRUE(inside(ink, plot));
  // The curve spans most of the plot: the data range is padded only a little.
  EXPECT_GT(ink.w, plot.w * 0.9);
  EXPECT_GT(ink.h, plot.h * 0.8);
  // A blank border: nothing is drawn in the outer 6 pixels of the image.
  const Rect drawn = find_box(image, [](Rgb c) { return c != style::kBackground; });
  EXPECT_GE(drawn.x, 6);
  EXPECT_GE(drawn.y, 6);
  EXPECT_LE(drawn.right(), image.width() - 6);
  EXPECT_LE(drawn.bottom(), image.height() - 6);
}

TEST(LineChart, EachSeriesGetsItsOwnColourAndLegendEntry) {
  std::vector<Series> series;
  for (int k = 0; k < 3; ++k) {
    series.push_back(curve("run " + std::to_string(k), 50, [k](double x) { return x * (k + 1); }));
  }
  const Image image = render_line_chart(series, labelled());
  const Rect plot = plot_area(image);
  for (int k = 0; k < 3; ++k) {
    const Rect ink = colour_box(image, tab10(k));
    EXPECT_GT(ink.w, 0) << "series " << k;
    EXPECT_TRUE(inside(ink, plot)) << "series " << k;
  }
  EXPECT_GT(colour_box(image, style::kLegendBorder, plot).w, 0);
}

TEST(LineChart, LegendAvoidsTheData) {
  // A rising line fills the lower-left and upper-right corners; the legend must go to
  // the empty upper-left one.
  const Series s = curve("accuracy", 100, [](double x) { return x; });
  const Image image = render_line_chart({s}, labelled());
  const Rect plot = plot_area(image);
  const Rect legend = colour_box(image, style::kLegendBorder, plot);
  ASSERT_GT(legend.w, 0);
  EXPECT_LT(legend.right(), plot.x + plot.w / 2);
  EXPECT_LT(legend.bottom(), plot.y + plot.h / 2);
}

TEST(LineChart, LegendMovesOutsideWhenEveryCornerHasData) {
  // Seven series: tab10's grey (the eighth) could blend into the legend's border grey.
  std::vector<Series> series;
  for (int k = 0; k < 7; ++k) {
    series.push_back(curve("expert " + std::to_string(k), 60, [k](double x) { return std::sin(x / 6.0 + k); }));
  }
  const Image image = render_line_chart(series, labelled());
  const Rect plot = plot_area(image);
  const Rect legend = colour_box(image, style::kLegendBorder);
  ASSERT_GT(legend.w, 0);
  EXPECT_GT(legend.x, plot.right());
  EXPECT_LE(legend.right(), image.width());
  for (int k = 0; k < 7; ++k) EXPECT_GT(colour_box(image, tab10(k), legend).w, 0) << "legend entry " << k;
}

TEST(LineChart, NonFinitePointsAreSkippedAndBreakTheLine) {
  Series s{"", {}, {0, 1, NAN, 3, 4}};
  Image image;
  ASSERT_NO_THROW(image = render_line_chart({s}, labelled()));
  const Rect plot = plot_area(image);
  // x = 2 sits at the middle of the plot; no segment may cross it.
  const int mid = plot.x + plot.w / 2;
  EXPECT_EQ(colour_box(image, tab10(0), {mid - 8, 0, 17, image.height()}).w, 0);
  EXPECT_GT(colour_box(image, tab10(0), {plot.x, 0, plot.w / 4, image.height()}).w, 0);
  EXPECT_GT(colour_box(image, tab10(0), {plot.x + 3 * plot.w / 4, 0, plot.w / 4, image.height()}).w, 0);

  Series wild{"", {0, 1, INFINITY, 3, NAN}, {INFINITY, -INFINITY, 2, NAN, 5}};
  EXPECT_NO_THROW(render_line_chart({wild, s}, labelled()));
}

TEST(LineChart, DegenerateInputsRenderWithoutThrowing) {
  EXPECT_NO_THROW(render_line_chart({}, labelled()));
  EXPECT_NO_THROW(render_line_chart({Series{"empty", {}, {}}}, labelled()));
  EXPECT_NO_THROW(render_line_chart({Series{"nan", {}, {NAN, NAN}}}, labelled()));
  LineChartOptions tiny;
  tiny.width = 160;
  tiny.height = 120;
  EXPECT_NO_THROW(render_line_chart({curve("a", 3, [](double x) { return x; })}, tiny));

  // A single point is visible as a dot.
  const Image one = render_line_chart({Series{"", {5}, {0.25}}}, labelled());
  const Rect dot = colour_box(one, tab10(0));
  EXPECT_GT(dot.w, 1);
  EXPECT_TRUE(inside(dot, plot_area(one)));
}

TEST(LineChart, ConstantSeriesIsAHorizontalLineMidPlot) {
  const Image image = render_line_chart({curve("", 40, [](double) { return 0.7; })}, labelled());
  const Rect plot = plot_area(image);
  const Rect ink = colour_box(image, tab10(0));
  ASSERT_GT(ink.w, 0);
  EXPECT_LE(ink.h, 3);
  EXPECT_NEAR(ink.y + ink.h / 2.0, plot.y + plot.h / 2.0, 3.0);
}

TEST(LineChart, LogScaleStraightensExponentials) {
  const Series s = curve("", 101, [](double x) { return std::pow(10.0, x / 25.0); });  // 1 .. 1e4
  LineChartOptions options = labelled();
  auto centre_row = [&](const Image& image) {
    const Rect plot = plot_area(image);
    const Rect column = colour_box(image, tab10(0), {plot.x + plot.w / 2, plot.y, 1, plot.h});
    EXPECT_GT(column.w, 0);
    return (column.y + column.h / 2.0 - plot.y) / plot.h;  // 0 = top, 1 = bottom
  };
  const double linear = centre_row(render_line_chart({s}, options));
  options.log_y = true;
  const double logarithmic = centre_row(render_line_chart({s}, options));
  EXPECT_GT(linear, 0.85);                // 100 out of 10000 hugs the bottom
  EXPECT_NEAR(logarithmic, 0.5, 0.02);    // halfway in decades

  // Values <= 0 are skipped on a log axis instead of failing.
  Series mixed{"", {}, {-1, 0, 1e-3, 1e-2, 0, 1}};
  EXPECT_NO_THROW(render_line_chart({mixed}, options));
  EXPECT_NO_THROW(render_line_chart({Series{"", {}, {0, -5}}}, options));
  EXPECT_NO_THROW(render_line_chart({Series{"", {}, {3, 3, 3}}}, options));
}

TEST(LineChart, RejectsMismatchedSeriesAndSizes) {
  EXPECT_THROW(render_line_chart({Series{"bad", {1, 2, 3}, {1, 2}}}, labelled()), std::invalid_argument);
  LineChartOptions huge;
  huge.width = 100000;
  EXPECT_THROW(render_line_chart({}, huge), std::invalid_argument);
}

}  // namespace
}  // namespace moezoo::report
