#pragma once
/// Overlap and boundary metrics of binary 3-d masks, as BraTS scores each region
/// (ET, TC, WT). Torch-free: masks are flat uint8 arrays (0 = outside) in [D, H, W]
/// row-major order -- a contiguous bool / uint8 tensor's memory.
///
/// Dice = 2 |A n B| / (|A| + |B|).
/// HD95 = the 95th percentile (numpy's default linear interpolation) of the symmetric
/// surface distances in mm: the distances from every surface voxel of A to the nearest
/// surface voxel of B, together with those from B to A (MedPy's hd95, which BraTS
/// uses). A surface voxel is a mask voxel with a 6-neighbour outside the mask or
/// outside the volume; distances are Euclidean between voxel centres, scaled by the
/// spacing.
///
/// Empty masks, the BraTS 2021 convention (CaPTk):
///   both empty          -> Dice 1, HD95 0
///   exactly one empty   -> Dice 0, HD95 kMissingRegionHd95 (373.13 mm, the diagonal of the
///                          240 x 240 x 155 mm BraTS volume: the largest distance there is)

#include <array>
#include <cstdint>
#include <vector>

namespace moezoo::datasets::mri {

/// HD95 when exactly one of prediction and reference is empty: sqrt(240^2 + 240^2 + 155^2).
inline constexpr double kMissingRegionHd95 = 373.12866412495;

/// A mask's grid: shape [D, H, W] and the voxel spacing in mm along D, H, W -- the reverse
/// of Geometry::spacing (x, y, z): {spacing[2], spacing[1], spacing[0]}.
struct MaskGrid {
  std::array<int64_t, 3> shape{0, 0, 0};
  std::array<double, 3> spacing{1.0, 1.0, 1.0};
};

/// Dice of two masks of equal size (1 when both are empty).
double dice_score(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b);

/// Distances (mm) from each surface voxel of `from` to the nearest surface voxel of `to`,
/// in voxel order. Empty when `from` is empty; `to` must not be empty unless `from` is.
std::vector<double> surface_distances(const std::vector<uint8_t>& from, const std::vector<uint8_t>& to,
                                      const MaskGrid& grid);

/// The q-th percentile (0..100) of `values` with numpy's linear interpolation; values non-empty.
double percentile(std::vector<double> values, double q);

/// HD95 in mm with the empty-mask convention above.
double hd95(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, const MaskGrid& grid);

/// Dice and HD95 of one region.
struct RegionScore {
  double dice = 0.0;
  double hd95 = 0.0;
};

/// dice_score and hd95 of prediction vs reference.
RegionScore score_region(const std::vector<uint8_t>& prediction, const std::vector<uint8_t>& reference,
                         const MaskGrid& grid);

}  // namespace moezoo::datasets::mri
