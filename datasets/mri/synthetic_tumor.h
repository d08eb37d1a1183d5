#pragma once
/// Synthetic labelled brain-tumour cases: gliomas inserted into a healthy T1 brain (the
/// Colin27 template, atlas/ch2bet.nii.gz), so that every M4Fuse pipeline and test runs
/// with no BraTS data at all. Deterministic for a seed; about 0.4 s per 64^3 case and
/// 1.5 s per 64x128x128 case on one core.
///
/// Healthy tissue. The T1 brain is cropped to its bounding box and resampled to the
/// target shape; t = T1 / (white-matter level) puts CSF near 0.3, grey matter near 0.75
/// and white matter near 1. The four modalities are piecewise-linear maps of t (the
/// contrast each sequence gives the tissues):
///   t1    t                                     (CSF dark, WM bright)
///   t1ce  t                                     (no enhancement in healthy tissue)
///   t2    0.3 -> 1.0, 0.75 -> 0.65, 1.0 -> 0.45 (CSF bright, WM dark)
///   flair 0.3 -> 0.15, 0.75 -> 0.7, 1.0 -> 0.55 (CSF suppressed, grey over white)
/// Tumour. 1 or 2 ellipsoids with random radii (core 6-14 mm per axis) centred in the
/// brain; with rho the ellipsoidal distance perturbed by a smooth random field (+-20%)
/// (ellipsoid volumes NCR : ET : ED = 1 : 2 : 9, before the brain edge clips them):
///   rho < 0.7             necrotic core (1):  t1 0.35, t1ce 0.35, t2 1.1, flair 0.6
///   0.7 <= rho < 1        enhancing rim (4):  t1 0.55, t1ce 1.45, t2 0.8, flair 0.85
///   1 <= rho < 1.6        oedema (2), brain only: t1, t1ce x0.8; t2 max(t2, 0.95); flair 1.0
/// and core voxels touching anything but rim become rim, so the rim always encloses the core.
/// Before the labels are drawn, the brain is pushed away from each tumour centre by a
/// Gaussian radial displacement (amplitude mass_effect x mean core radius, width 1.5
/// core radii): mild mass effect. Finally a smooth multiplicative bias field (+-5%) and
/// Gaussian noise (sigma 0.02) per modality; the background stays exactly 0; intensities
/// are scaled by 100.

#include <array>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "datasets/mri/mri_case.h"
#include "datasets/mri/volume.h"

namespace moezoo::datasets::mri {

/// Options of SyntheticTumorGenerator.
struct SyntheticTumorOptions {
  std::array<int64_t, 3> shape{64, 64, 64};  ///< D, H, W of every case (the brain's bounding box resampled)
  int64_t min_tumors = 1;
  int64_t max_tumors = 2;
  double mass_effect = 0.35;  ///< displacement amplitude / core radius; 0: none
  double noise = 0.02;        ///< Gaussian noise sigma, in units of white matter
};

/// The Colin27 skull-stripped T1 under a data root: <root>/mri/atlas/ch2bet.nii.gz.
std::filesystem::path colin27_path(const std::filesystem::path& data_root);

/// A procedural T1 brain (nested ellipsoids: grey-matter shell, white matter, two
/// ventricles) of `shape` [D, H, W] at 1 mm, for machines without the atlas.
Volume phantom_brain(const std::array<int64_t, 3>& shape = {96, 112, 96});

/// Makes labelled 4-modality cases from one healthy T1 brain.
class SyntheticTumorGenerator {
 public:
  /// t1_brain: a skull-stripped T1 (zero background), e.g. read_nifti(colin27_path(root)).
  SyntheticTumorGenerator(const Volume& t1_brain, SyntheticTumorOptions options = {});

  /// Case `index` of the stream for `seed`: id "synthetic-<seed>-<index>", image
  /// [4, D, H, W] float32 (t1, t1ce, t2, flair), label [D, H, W] int64 (0/1/2/4).
  MriCase make_case(uint64_t seed, int64_t index = 0) const;

  /// Cases 0 .. count-1 of `seed`.
  std::vector<MriCase> make_cases(uint64_t seed, int64_t count) const;

  /// The healthy brain on the output grid: t = T1 / white-matter level, [D, H, W].
  const at::Tensor& healthy_t1() const { return t1_; }
  const Geometry& geometry() const { return geometry_; }

 private:
  SyntheticTumorOptions options_;
  at::Tensor t1_;  ///< [D, H, W] normalised T1, 0 outside the brain
  Geometry geometry_;
};

}  // namespace moezoo::datasets::mri
