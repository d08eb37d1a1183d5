#pragma once
/// Where a volume's voxels lie in the scanner's physical space, in ITK's convention
/// (LPS, millimetres): the physical point of voxel index (i, j, k) is
///   origin + direction * diag(spacing) * (i, j, k)^T,
/// with direction a row-major 3x3 matrix whose columns are the unit axis vectors.
/// The index order (i, j, k) is ITK's (x fastest); a Volume's tensor is [D, H, W] =
/// [k, j, i] (see volume.h).

#include <array>
#include <cstdint>
#include <string>

namespace moezoo::datasets::mri {

/// The geometry of a 3-d image: voxel grid size and its placement in physical space.
struct Geometry {
  std::array<int64_t, 3> size{0, 0, 0};                        ///< voxels along ITK x, y, z (= W, H, D)
  std::array<double, 3> spacing{1.0, 1.0, 1.0};                ///< mm along x, y, z
  std::array<double, 3> origin{0.0, 0.0, 0.0};                 ///< physical point of voxel (0, 0, 0), mm
  std::array<double, 9> direction{1, 0, 0, 0, 1, 0, 0, 0, 1};  ///< row-major 3x3, columns = axes
};

/// True when both grids have the same size and spacing, origin and direction agree
/// within `tolerance` (relative to the spacing for the origin, absolute for the
/// direction cosines): co-registered modalities of one case.
bool same_grid(const Geometry& a, const Geometry& b, double tolerance = 1e-3);

/// What differs between two grids, in words ("size 240x240x155 vs 240x240x154"); empty
/// when same_grid(a, b, tolerance).
std::string grid_difference(const Geometry& a, const Geometry& b, double tolerance = 1e-3);

/// "240x240x155" (x, y, z).
std::string size_text(const Geometry& g);

}  // namespace moezoo::datasets::mri
