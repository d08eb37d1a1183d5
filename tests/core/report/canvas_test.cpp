#include "core/report/canvas.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/report/font.h"

namespace moezoo::report {
namespace {

constexpr Rgb kWhite{255, 255, 255};
constexpr Rgb kInk{0, 0, 0};

// Bounding box of every non-white pixel; w == 0 when there is none.
Rect ink_box(const Image& image) {
  int x0 = image.width(), y0 = image.height(), x1 = -1, y1 = -1;
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      if (image.get(x, y) == kWhite) continue;
      x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
    }
  }
  return x1 < 0 ? Rect{} : Rect{x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

TEST(Canvas, TextInkLiesWithinMeasuredWidth) {
  const std::string samples[] = {"Hello, world!", "loss 1.5e-4", "expert_63", "|", "gjpqy", "W", "~"};
  for (int scale = 1; scale <= 3; ++scale) {
    for (const std::string& s : samples) {
      Image image(400, 60);
      Canvas canvas(image);
      canvas.text(10, 5, s, kInk, scale);
      const Rect box = ink_box(image);
      // Measured width is exactly the ink extent: first to last ink column.
      EXPECT_EQ(box.x, 10) << s << " scale " << scale;
      EXPECT_EQ(box.w, text_width(s, scale)) << s << " scale " << scale;
      EXPECT_GE(box.y, 5);
      EXPECT_LE(box.bottom(), 5 + text_height(scale)) << s;
    }
  }
}

TEST(Canvas, AlignmentAnchorsTheRightEdgeOrCentre) {
  Image image(200, 20);
  Canvas canvas(image);
  canvas.text(150, 2, "0.001", kInk, 1, Align::kRight);
  EXPECT_EQ(ink_box(image).right(), 150);
  image.fill(kWhite);
  canvas.text(100, 2, "12345", kInk, 1, Align::kCenter);
  const Rect box = ink_box(image);
  EXPECT_LE(std::abs(box.x + box.w / 2 - 100), 1);
}

TEST(Canvas, EveryPrintableGlyphHasInkExceptSpace) {
  for (int c = 32; c <= 126; ++c) {
    const Glyph& g = font_glyph(static_cast<char>(c));
    int bits = 0;
    for (int row = 0; row < kFontRows; ++row) bits += g.rows[row] != 0;
    EXPECT_GT(g.width, 0) << static_cast<char>(c);
    EXPECT_LE(g.width, 5) << static_cast<char>(c);
    if (c == ' ') {
      EXPECT_EQ(bits, 0);
    } else {
      EXPECT_GT(bits, 0) << "glyph '" << static_cast<char>(c) << "' is blank";
    }
  }
  // Non-printable characters fall back to '?'.
  EXPECT_EQ(text_width("\x01"), text_width("?"));
  EXPECT_EQ(text_width(""), 0);
  EXPECT_EQ(text_width("ab", 3), 3 * text_width("ab"));
}

TEST(Canvas, VerticalTextIsTheRotatedBox) {
  Image image(60, 200);
  Canvas canvas(image);
  const std::string s = "val loss";
  canvas.text_vertical(20, 150, s, kInk, 1, Align::kLeft);  // reads upward from row 150
  const Rect box = ink_box(image);
  EXPECT_EQ(box.bottom(), 150);
  EXPECT_EQ(box.h, text_width(s));
  EXPECT_GE(box.x, 20);
  EXPECT_LE(box.right(), 20 + text_height());
}

TEST(Canvas, ClipRectangleStopsEveryPrimitive) {
  Image image(100, 100);
  Canvas canvas(image);
  canvas.set_clip({20, 20, 30, 30});
  canvas.fill_rect(-50, -50, 500, 500, kInk);
  canvas.line({-10, -10}, {200, 150}, kInk, 3);
  canvas.disc({50, 50}, 40, kInk);
  canvas.text(0, 25, "clipped text that runs far", kInk, 3);
  const Rect box = ink_box(image);
  EXPECT_EQ(box.x, 20);
  EXPECT_EQ(box.y, 20);
  EXPECT_EQ(box.w, 30);
  EXPECT_EQ(box.h, 30);
  canvas.reset_clip();
  canvas.fill_rect(95, 95, 50, 50, kInk);  // past the image edge: clipped, no throw
  EXPECT_EQ(image.get(99, 99), kInk);
}

TEST(Canvas, AntiAliasedLineCoversItsPathOnly) {
  Image image(50, 50);
  Canvas canvas(image);
  canvas.line({5.5, 10.5}, {44.5, 10.5}, kInk, 1);
  for (int x = 5; x <= 44; ++x) EXPECT_EQ(image.get(x, 10), kInk) << x;
  EXPECT_EQ(image.get(25, 8), kWhite);
  EXPECT_EQ(image.get(25, 12), kWhite);
  // A diagonal line gets partial coverage next to the path, never outside its band.
  canvas.line({5, 20}, {40, 45}, kInk, 2);
  bool partial = false;
  for (int y = 0; y < 50; ++y) {
    for (int x = 0; x < 50; ++x) {
      const Rgb c = image.get(x, y);
      if (c != kWhite && c != kInk) partial = true;
    }
  }
  EXPECT_TRUE(partial);
  EXPECT_EQ(image.get(40, 20), kWhite);
}

TEST(Canvas, PolylineBreaksAtNonFinitePoints) {
  Image image(100, 20);
  Canvas canvas(image);
  canvas.polyline({{5, 10}, {30, 10}, {NAN, NAN}, {70, 10}, {95, 10}, {INFINITY, 3}}, kInk, 2);
  EXPECT_NE(image.get(20, 9), kWhite);
  EXPECT_NE(image.get(80, 9), kWhite);
  for (int x = 34; x <= 66; ++x) EXPECT_EQ(image.get(x, 9), kWhite) << x;
  // An isolated point between gaps is still drawn.
  canvas.polyline({{NAN, 0}, {50, 15}, {NAN, 0}}, kInk, 3);
  EXPECT_NE(image.get(50, 15), kWhite);
}

TEST(Canvas, StrokeRectDrawsOnlyTheBorder) {
  Image image(20, 20);
  Canvas canvas(image);
  canvas.stroke_rect(2, 2, 10, 8, kInk, 2);
  EXPECT_EQ(image.get(2, 2), kInk);
  EXPECT_EQ(image.get(11, 9), kInk);
  EXPECT_EQ(image.get(3, 3), kInk);
  EXPECT_EQ(image.get(4, 4), kWhite);
  EXPECT_EQ(image.get(12, 5), kWhite);
  const Rect box = ink_box(image);
  EXPECT_EQ(box.w, 10);
  EXPECT_EQ(box.h, 8);
}

}  // namespace
}  // namespace moezoo::report
