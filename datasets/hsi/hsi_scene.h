#pragma once
/// A hyperspectral scene as tensors, the form every HSI model and split reads.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace moezoo::datasets::hsi {

/// One image cube with its per-pixel ground truth. Labels follow the convention of
/// every public HSI ground-truth file: 0 is unlabeled and classes are 1..C, so class
/// c is named class_names[c - 1] and a model's output index is c - 1.
struct HsiScene {
  std::string name;
  /// Where it came from, for logs and reports ("Indian_pines_corrected.mat +
  /// Indian_pines_gt.mat", "synthetic, cuprite endmembers, seed 0").
  std::string source;
  at::Tensor cube;                       ///< [H, W, B] float32; undefined for a ground-truth-only load
  at::Tensor labels;                     ///< [H, W] int64, 0 unlabeled, classes 1..C
  std::vector<std::string> class_names;  ///< C names
  /// A fixed train/test pair shipped with the scene (Houston 2013's official maps, the
  /// disjoint Pavia University and Indian Pines sets), [H, W] int64 in the same class
  /// ids; both undefined when the scene has none. Pixels of given_train may lie
  /// outside `labels` (the disjoint Pavia University training set does).
  at::Tensor given_train;
  at::Tensor given_test;
  std::string given_split;  ///< what the given maps are; empty when there are none

  int64_t height() const { return labels.size(0); }
  int64_t width() const { return labels.size(1); }
  int64_t num_bands() const { return cube.defined() ? cube.size(2) : 0; }
  int64_t num_classes() const { return static_cast<int64_t>(class_names.size()); }
  bool has_given_split() const { return given_train.defined(); }
};

/// Checks dtypes, shapes (cube and maps agree on H, W), label range [0, C] and that
/// the cube is finite; errors name `where`.
void validate(const HsiScene& scene, const std::string& where);

/// Pixels per label value: [C + 1] int64, entry 0 the unlabeled pixels.
at::Tensor class_counts(const at::Tensor& labels, int64_t num_classes);

}  // namespace moezoo::datasets::hsi
