#pragma once
/// Drawing primitives on an Image: anti-aliased lines, rectangles and bitmap text.

#include <string_view>
#include <vector>

#include "core/report/image.h"

namespace moezoo::report {

/// A point in continuous pixel coordinates: pixel (i, j) covers [i, i+1) x [j, j+1),
/// so its centre is (i + 0.5, j + 0.5).
struct Point {
  double x = 0, y = 0;
};

/// An integer pixel rectangle: columns [x, x + w), rows [y, y + h).
struct Rect {
  int x = 0, y = 0, w = 0, h = 0;
  /// Whether pixel (px, py) lies inside; right() and bottom() are one past the last pixel.
  bool contains(int px, int py) const { return px >= x && py >= y && px < x + w && py < y + h; }
  int right() const { return x + w; }
  int bottom() const { return y + h; }
};

/// Where the anchor x of a text lies: at its left edge, centre or right edge.
enum class Align { kLeft, kCenter, kRight };

/// Width in pixels of `text` drawn at `scale`, from the first to the last ink column.
int text_width(std::string_view text, int scale = 1);
/// Height of a line of text at `scale`, descenders included.
int text_height(int scale = 1);

/// Draws onto an Image it does not own; everything is clipped to the clip rectangle
/// (the whole image unless set_clip() narrows it), so no call can write outside.
class Canvas {
 public:
  explicit Canvas(Image& image);

  /// The image drawn on.
  Image& image() { return image_; }

  /// Restricts drawing to `clip` intersected with the image (for plot areas).
  void set_clip(Rect clip);
  /// Allows drawing on the whole image again.
  void reset_clip();
  /// The current clip rectangle, always inside the image.
  Rect clip() const { return clip_; }

  /// Fills columns [x, x + w) and rows [y, y + h).
  void fill_rect(int x, int y, int w, int h, Rgb color);
  /// Outlines the same rectangle with a border `thickness` pixels wide drawn inside it.
  void stroke_rect(int x, int y, int w, int h, Rgb color, int thickness = 1);

  /// Anti-aliased segment with round caps; `thickness` in pixels (1-3 is typical).
  void line(Point a, Point b, Rgb color, double thickness = 1.0);
  /// Anti-aliased connected segments. A non-finite point ends one run and a later finite
  /// point starts another, so NaN gaps in data break the line; a run of one point is
  /// drawn as a dot of the same thickness. Joins take the largest coverage of any
  /// segment, so they do not darken where segments overlap.
  void polyline(const std::vector<Point>& points, Rgb color, double thickness = 1.0);
  /// Anti-aliased filled circle.
  void disc(Point center, double radius, Rgb color);

  /// Draws `text` with its top at row `y` (capitals occupy rows y .. y + 7*scale - 1,
  /// descenders the two glyph rows below) and its anchor at column `x`. `scale` is
  /// clamped to 1..8; characters outside printable ASCII are drawn as '?'.
  void text(int x, int y, std::string_view text, Rgb color, int scale = 1, Align align = Align::kLeft);
  /// Draws `text` rotated 90 degrees counter-clockwise (reading bottom to top, as a
  /// y-axis label). The rotated box is text_height(scale) wide and text_width() tall;
  /// `x` is its left edge and `y` the anchor row: its bottom (kLeft), centre or top (kRight).
  void text_vertical(int x, int y, std::string_view text, Rgb color, int scale = 1,
                     Align align = Align::kLeft);

 private:
  void blend(int x, int y, Rgb color, double alpha) {
    if (clip_.contains(x, y)) image_.blend(x, y, color, alpha);
  }
  // Calls put(u, v) for every ink pixel of `text` in unrotated text coordinates.
  template <typename Put>
  static void for_each_ink(std::string_view text, int scale, Put&& put);

  Image& image_;
  Rect clip_;
};

}  // namespace moezoo::report
