#include "core/report/image.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace moezoo::report {

Rgb mix(Rgb under, Rgb over, double alpha) {
  const double a = std::clamp(alpha, 0.0, 1.0);
  auto channel = [a](std::uint8_t u, std::uint8_t o) {
    return static_cast<std::uint8_t>(std::lround(u + (o - u) * a));
  };
  return {channel(under.r, over.r), channel(under.g, over.g), channel(under.b, over.b)};
}

Image::Image(int width, int height, Rgb background) : width_(width), height_(height) {
  if (width < 0 || height < 0 || static_cast<long long>(width) * height > (1LL << 28)) {
    throw std::invalid_argument("report::Image: invalid size " + std::to_string(width) + "x" +
                                std::to_string(height));
  }
  pixels_.resize(static_cast<std::size_t>(width) * height * 3);
  fill(background);
}

Rgb Image::get(int x, int y) const {
  if (!contains(x, y)) {
    throw std::out_of_range("report::Image::get: (" + std::to_string(x) + ", " + std::to_string(y) +
                            ") outside " + std::to_string(width_) + "x" + std::to_string(height_));
  }
  const std::uint8_t* p = &pixels_[(static_cast<std::size_t>(y) * width_ + x) * 3];
  return {p[0], p[1], p[2]};
}

void Image::set(int x, int y, Rgb color) {
  if (!contains(x, y)) {
    throw std::out_of_range("report::Image::set: (" + std::to_string(x) + ", " + std::to_string(y) +
                            ") outside " + std::to_string(width_) + "x" + std::to_string(height_));
  }
  write(x, y, color);
}

void Image::blend(int x, int y, Rgb color, double alpha) {
  if (!contains(x, y) || !(alpha > 0.0)) return;
  if (alpha >= 1.0) {
    write(x, y, color);
    return;
  }
  write(x, y, mix(get(x, y), color, alpha));
}

void Image::fill(Rgb color) {
  for (std::size_t i = 0; i < pixels_.size(); i += 3) {
    pixels_[i] = color.r;
    pixels_[i + 1] = color.g;
    pixels_[i + 2] = color.b;
  }
}

}  // namespace moezoo::report
