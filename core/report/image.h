#pragma once
/// An 8-bit RGB raster: the one pixel format every plot in a report is drawn into.

#include <cstdint>
#include <vector>

namespace moezoo::report {

/// One 8-bit RGB colour.
struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;

  /// Exact channel equality (tests compare drawn pixels with palette colours).
  friend bool operator==(const Rgb& a, const Rgb& b) { return a.r == b.r && a.g == b.g && a.b == b.b; }
  friend bool operator!=(const Rgb& a, const Rgb& b) { return !(a == b); }
};

/// Mixes `over` onto `under` with weight `alpha` in [0, 1] (clamped).
Rgb mix(Rgb under, Rgb over, double alpha);

/// Row-major RGB8 image, pixel (0, 0) at the top left.
class Image {
 public:
  /// An empty 0x0 image.
  Image() = default;
  /// A `width` x `height` image filled with `background`; throws std::invalid_argument for
  /// negative sizes or more than 2^28 pixels (a sign of a layout bug, not a real plot).
  Image(int width, int height, Rgb background = {255, 255, 255});

  /// Size in pixels.
  int width() const { return width_; }
  int height() const { return height_; }
  /// True for a 0-pixel image, which PNG cannot hold.
  bool empty() const { return width_ == 0 || height_ == 0; }
  /// Whether (x, y) is a pixel of this image.
  bool contains(int x, int y) const { return x >= 0 && y >= 0 && x < width_ && y < height_; }

  /// Pixel at (x, y); throws std::out_of_range outside the image.
  Rgb get(int x, int y) const;
  /// Sets pixel (x, y); throws std::out_of_range outside the image.
  void set(int x, int y, Rgb color);

  /// Sets pixel (x, y) if it lies inside and ignores it otherwise: drawing code clips
  /// shapes this way instead of checking every caller's arithmetic.
  void put(int x, int y, Rgb color) {
    if (contains(x, y)) write(x, y, color);
  }
  /// Blends `color` over pixel (x, y) with coverage `alpha` in [0, 1]; clipped like put().
  void blend(int x, int y, Rgb color, double alpha);

  /// Sets every pixel to `color`.
  void fill(Rgb color);

  /// The width * height * 3 bytes, rows top to bottom, each pixel R, G, B.
  const std::vector<std::uint8_t>& bytes() const { return pixels_; }

 private:
  void write(int x, int y, Rgb c) {
    std::uint8_t* p = &pixels_[(static_cast<std::size_t>(y) * width_ + x) * 3];
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
  }

  int width_ = 0;
  int height_ = 0;
  std::vector<std::uint8_t> pixels_;
};

}  // namespace moezoo::report
