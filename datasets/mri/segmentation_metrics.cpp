#include "datasets/mri/segmentation_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace moezoo::datasets::mri {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

int64_t voxel_count(const MaskGrid& grid) { return grid.shape[0] * grid.shape[1] * grid.shape[2]; }

void check_size(const std::vector<uint8_t>& mask, const MaskGrid& grid) {
  if (static_cast<int64_t>(mask.size()) != voxel_count(grid))
    throw std::invalid_argument("segmentation metrics: mask of " + std::to_string(mask.size()) +
                                " voxels does not match the grid");
}

/// Surface voxels: in the mask, with a 6-neighbour outside the mask or the volume.
std::vector<uint8_t> surface_of(const std::vector<uint8_t>& mask, const MaskGrid& grid) {
  const int64_t D = grid.shape[0], H = grid.shape[1], W = grid.shape[2];
  std::vector<uint8_t> surface(mask.size(), 0);
  auto inside = [&](int64_t z, int64_t y, int64_t x) {
    return z >= 0 && z < D && y >= 0 && y < H && x >= 0 && x < W && mask[(z * H + y) * W + x];
  };
  for (int64_t z = 0; z < D; ++z)
    for (int64_t y = 0; y < H; ++y)
      for (int64_t x = 0; x < W; ++x) {
        if (!mask[(z * H + y) * W + x]) continue;
        surface[(z * H + y) * W + x] = !inside(z - 1, y, x) || !inside(z + 1, y, x) || !inside(z, y - 1, x) ||
                                       !inside(z, y + 1, x) || !inside(z, y, x - 1) || !inside(z, y, x + 1);
      }
  return surface;
}

/// One line of the exact squared Euclidean distance transform (Felzenszwalb &
/// Huttenlocher 2012): f[q] <- min_p (s (q - p))^2 + f[p], for samples at spacing s.
void distance_transform_line(std::vector<double>& f, double s, std::vector<double>& d, std::vector<int64_t>& v,
                             std::vector<double>& z) {
  const int64_t n = static_cast<int64_t>(f.size());
  int64_t k = -1;
  for (int64_t q = 0; q < n; ++q) {
    if (f[q] == kInf) continue;
    const double xq = s * static_cast<double>(q);
    while (k >= 0) {
      const double xv = s * static_cast<double>(v[k]);
      const double cut = ((f[q] + xq * xq) - (f[v[k]] + xv * xv)) / (2.0 * (xq - xv));
      if (cut > z[k]) {
        z[k + 1] = cut;
        break;
      }
      --k;
    }
    if (k < 0) z[0] = -kInf;
    v[++k] = q;
    z[k + 1] = kInf;
  }
  if (k < 0) return;  // no feature on this line: all stay infinite
  int64_t j = 0;
  for (int64_t q = 0; q < n; ++q) {
    const double xq = s * static_cast<double>(q);
    while (z[j + 1] < xq) ++j;
    const double dx = xq - s * static_cast<double>(v[j]);
    d[q] = dx * dx + f[v[j]];
  }
  f.swap(d);
}

/// Squared distance (mm^2) from every voxel of the box to the nearest feature voxel.
std::vector<double> squared_distance_transform(const std::vector<uint8_t>& features, const MaskGrid& grid) {
  std::vector<double> dist(features.size());
  for (size_t i = 0; i < features.size(); ++i) dist[i] = features[i] ? 0.0 : kInf;
  const std::array<int64_t, 3> stride{grid.shape[1] * grid.shape[2], grid.shape[2], 1};
  for (int axis = 0; axis < 3; ++axis) {
    const int64_t n = grid.shape[axis];
    std::vector<double> line(n), scratch(n), z(n + 1);
    std::vector<int64_t> v(n);
    const int a1 = (axis + 1) % 3, a2 = (axis + 2) % 3;
    for (int64_t i = 0; i < grid.shape[a1]; ++i)
      for (int64_t j = 0; j < grid.shape[a2]; ++j) {
        const int64_t base = i * stride[a1] + j * stride[a2];
        for (int64_t q = 0; q < n; ++q) line[q] = dist[base + q * stride[axis]];
        distance_transform_line(line, grid.spacing[axis], scratch, v, z);
        for (int64_t q = 0; q < n; ++q) dist[base + q * stride[axis]] = line[q];
      }
  }
  return dist;
}

/// The bounding box [lo, hi) of the voxels set in either mask; false when both are empty.
bool joint_box(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, const MaskGrid& grid,
               std::array<int64_t, 3>& lo, std::array<int64_t, 3>& hi) {
  lo = grid.shape;
  hi = {0, 0, 0};
  const int64_t H = grid.shape[1], W = grid.shape[2];
  bool any = false;
  for (int64_t i = 0; i < voxel_count(grid); ++i) {
    if (!a[i] && !b[i]) continue;
    const std::array<int64_t, 3> p{i / (H * W), (i / W) % H, i % W};
    for (int d = 0; d < 3; ++d) {
      lo[d] = std::min(lo[d], p[d]);
      hi[d] = std::max(hi[d], p[d] + 1);
    }
    any = true;
  }
  return any;
}

/// The voxels of `mask` inside the box [lo, hi), as a mask of the box's grid.
std::vector<uint8_t> crop(const std::vector<uint8_t>& mask, const MaskGrid& grid, const std::array<int64_t, 3>& lo,
                          const std::array<int64_t, 3>& hi) {
  std::vector<uint8_t> out;
  out.reserve((hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]));
  for (int64_t z = lo[0]; z < hi[0]; ++z)
    for (int64_t y = lo[1]; y < hi[1]; ++y)
      for (int64_t x = lo[2]; x < hi[2]; ++x) out.push_back(mask[(z * grid.shape[1] + y) * grid.shape[2] + x]);
  return out;
}

}  // namespace

double dice_score(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.size() != b.size()) throw std::invalid_argument("dice_score: masks of different sizes");
  int64_t both = 0, sum = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const bool x = a[i] != 0, y = b[i] != 0;
    both += x && y;
    sum += x + y;
  }
  return sum == 0 ? 1.0 : 2.0 * static_cast<double>(both) / static_cast<double>(sum);
}

std::vector<double> surface_distances(const std::vector<uint8_t>& from, const std::vector<uint8_t>& to,
                                      const MaskGrid& grid) {
  check_size(from, grid);
  check_size(to, grid);
  std::array<int64_t, 3> lo, hi;
  if (!joint_box(from, to, grid, lo, hi)) return {};
  // Surfaces are taken on the full grid (the volume's edge counts as outside), distances
  // on the joint bounding box, where every feature and query voxel lies: exact and small.
  MaskGrid box{{hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]}, grid.spacing};
  const auto from_surface = crop(surface_of(from, grid), grid, lo, hi);
  const auto to_surface = crop(surface_of(to, grid), grid, lo, hi);
  if (std::none_of(to_surface.begin(), to_surface.end(), [](uint8_t v) { return v != 0; })) {
    if (std::none_of(from_surface.begin(), from_surface.end(), [](uint8_t v) { return v != 0; })) return {};
    throw std::invalid_argument("surface_distances: the target mask is empty");
  }
  const auto squared = squared_distance_transform(to_surface, box);
  std::vector<double> distances;
  for (size_t i = 0; i < from_surface.size(); ++i)
    if (from_surface[i]) distances.push_back(std::sqrt(squared[i]));
  return distances;
}

double percentile(std::vector<double> values, double q) {
  if (values.empty()) throw std::invalid_argument("percentile of no values");
  std::sort(values.begin(), values.end());
  const double rank = q / 100.0 * static_cast<double>(values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(rank));
  const size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (rank - static_cast<double>(below)) * (values[above] - values[below]);
}

double hd95(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, const MaskGrid& grid) {
  check_size(a, grid);
  check_size(b, grid);
  const bool a_empty = std::none_of(a.begin(), a.end(), [](uint8_t v) { return v != 0; });
  const bool b_empty = std::none_of(b.begin(), b.end(), [](uint8_t v) { return v != 0; });
  if (a_empty && b_empty) return 0.0;
  if (a_empty || b_empty) return kMissingRegionHd95;
  auto distances = surface_distances(a, b, grid);
  const auto back = surface_distances(b, a, grid);
  distances.insert(distances.end(), back.begin(), back.end());
  return percentile(std::move(distances), 95.0);
}

RegionScore score_region(const std::vector<uint8_t>& prediction, const std::vector<uint8_t>& reference,
                         const MaskGrid& grid) {
  check_size(prediction, grid);
  return {dice_score(prediction, reference), hd95(prediction, reference, grid)};
}

}  // namespace moezoo::datasets::mri
