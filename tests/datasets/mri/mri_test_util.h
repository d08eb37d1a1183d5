#pragma once
/// Helpers shared by the brain MRI tests.

#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "datasets/mri/geometry.h"
#include "tests/support/error_matchers.h"
#include "tests/support/test_data.h"

namespace moezoo::testing {

/// A geometry with a non-identity direction (30 degrees about z, then 20 about x),
/// anisotropic spacing and an off-centre origin: what a round trip must keep.
inline datasets::mri::Geometry rotated_geometry(int64_t w, int64_t h, int64_t d) {
  datasets::mri::Geometry g;
  g.size = {w, h, d};
  g.spacing = {0.9, 1.2, 2.5};
  g.origin = {-91.5, 12.25, 40.0};
  const double a = 30.0 * M_PI / 180.0, b = 20.0 * M_PI / 180.0;
  // Rx(b) * Rz(a), row-major.
  const double ca = std::cos(a), sa = std::sin(a), cb = std::cos(b), sb = std::sin(b);
  g.direction = {ca, -sa, 0.0, cb * sa, cb * ca, -sb, sb * sa, sb * ca, cb};
  return g;
}

/// Copies the first `keep` bytes of `source` to `target`: a truncated download.
inline void write_truncated(const std::filesystem::path& source, const std::filesystem::path& target, double keep) {
  std::filesystem::copy_file(source, target, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::resize_file(target, static_cast<uintmax_t>(std::filesystem::file_size(source) * keep));
}

}  // namespace moezoo::testing
