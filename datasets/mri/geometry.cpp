#include "datasets/mri/geometry.h"

#include <cmath>
#include <sstream>

namespace moezoo::datasets::mri {

namespace {

template <size_t N>
std::string array_text(const std::array<double, N>& values) {
  std::ostringstream out;
  out << '(';
  for (size_t i = 0; i < N; ++i) out << (i ? ", " : "") << values[i];
  out << ')';
  return out.str();
}

}  // namespace

std::string size_text(const Geometry& g) {
  return std::to_string(g.size[0]) + "x" + std::to_string(g.size[1]) + "x" + std::to_string(g.size[2]);
}

std::string grid_difference(const Geometry& a, const Geometry& b, double tolerance) {
  if (a.size != b.size) return "size " + size_text(a) + " vs " + size_text(b);
  for (int d = 0; d < 3; ++d) {
    if (std::abs(a.spacing[d] - b.spacing[d]) > tolerance * std::max(a.spacing[d], b.spacing[d]))
      return "spacing " + array_text(a.spacing) + " vs " + array_text(b.spacing);
  }
  for (int d = 0; d < 3; ++d) {
    if (std::abs(a.origin[d] - b.origin[d]) > tolerance * std::max(a.spacing[d], b.spacing[d]))
      return "origin " + array_text(a.origin) + " vs " + array_text(b.origin);
  }
  for (int e = 0; e < 9; ++e) {
    if (std::abs(a.direction[e] - b.direction[e]) > tolerance)
      return "direction " + array_text(a.direction) + " vs " + array_text(b.direction);
  }
  return {};
}

bool same_grid(const Geometry& a, const Geometry& b, double tolerance) {
  return grid_difference(a, b, tolerance).empty();
}

}  // namespace moezoo::datasets::mri
