#pragma once
/// The accuracy figures of HSI classification papers, from a confusion matrix:
/// overall accuracy (OA), average accuracy (AA), Cohen's kappa and per-class accuracy.
/// Torch-free (standard library only), so that a report or a tool uses it without
/// LibTorch; classes are 0..C-1 here (a scene's label c is class c - 1).
///
///   OA    = trace(M) / N
///   acc_c = M[c][c] / sum_j M[c][j]                (recall of class c; rows = reference)
///   AA    = mean of acc_c over the classes present in the reference (a row sum > 0):
///           a class with no reference pixel has no accuracy and does not count
///   kappa = (OA - p_e) / (1 - p_e),  p_e = sum_c (row_c / N) (col_c / N)
///
/// Undefined values are NaN: every figure of an empty matrix, acc_c of an absent class,
/// and kappa when p_e == 1 (reference and prediction are one and the same single class,
/// where (OA - p_e) / (1 - p_e) is 0 / 0; scikit-learn's cohen_kappa_score gives NaN too).

#include <cstdint>
#include <vector>

namespace moezoo::datasets::hsi {

/// counts[reference][predicted] over C classes.
class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(int64_t num_classes);

  /// Counts one pixel; classes outside [0, C) are a moezoo::Error.
  void add(int64_t reference, int64_t predicted);
  /// Counts pairs of equal-length vectors.
  void add(const std::vector<int64_t>& reference, const std::vector<int64_t>& predicted);

  int64_t num_classes() const { return num_classes_; }
  int64_t at(int64_t reference, int64_t predicted) const { return counts_[reference * num_classes_ + predicted]; }
  int64_t total() const { return total_; }
  int64_t reference_count(int64_t c) const;  ///< row sum
  int64_t predicted_count(int64_t c) const;  ///< column sum

 private:
  int64_t num_classes_;
  int64_t total_ = 0;
  std::vector<int64_t> counts_;
};

struct ClassificationScores {
  double overall_accuracy;
  double average_accuracy;
  double kappa;
  std::vector<double> per_class_accuracy;  ///< C entries, NaN for classes absent from the reference
};

ClassificationScores classification_scores(const ConfusionMatrix& m);

}  // namespace moezoo::datasets::hsi
