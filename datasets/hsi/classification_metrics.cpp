#include "datasets/hsi/classification_metrics.h"

#include <limits>
#include <string>

#include "core/util/error.h"

namespace moezoo::datasets::hsi {

ConfusionMatrix::ConfusionMatrix(int64_t num_classes) : num_classes_(num_classes) {
  check_input(num_classes > 0, "confusion matrix", "needs at least one class");
  counts_.assign(static_cast<size_t>(num_classes * num_classes), 0);
}

void ConfusionMatrix::add(int64_t reference, int64_t predicted) {
  check_input(reference >= 0 && reference < num_classes_ && predicted >= 0 && predicted < num_classes_,
              "confusion matrix",
              "class pair (" + std::to_string(reference) + ", " + std::to_string(predicted) + ") outside [0, " +
                  std::to_string(num_classes_) + ")");
  ++counts_[reference * num_classes_ + predicted];
  ++total_;
}

void ConfusionMatrix::add(const std::vector<int64_t>& reference, const std::vector<int64_t>& predicted) {
  check_input(
      reference.size() == predicted.size(), "confusion matrix",
      std::to_string(reference.size()) + " reference labels but " + std::to_string(predicted.size()) + " predictions");
  for (size_t i = 0; i < reference.size(); ++i) add(reference[i], predicted[i]);
}

int64_t ConfusionMatrix::reference_count(int64_t c) const {
  int64_t sum = 0;
  for (int64_t j = 0; j < num_classes_; ++j) sum += at(c, j);
  return sum;
}

int64_t ConfusionMatrix::predicted_count(int64_t c) const {
  int64_t sum = 0;
  for (int64_t i = 0; i < num_classes_; ++i) sum += at(i, c);
  return sum;
}

ClassificationScores classification_scores(const ConfusionMatrix& m) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const int64_t classes = m.num_classes();
  ClassificationScores s{nan, nan, nan, std::vector<double>(static_cast<size_t>(classes), nan)};
  if (m.total() == 0) return s;
  const double n = static_cast<double>(m.total());
  int64_t correct = 0;
  double accuracy_sum = 0, chance = 0;
  int64_t present = 0;
  for (int64_t c = 0; c < classes; ++c) {
    correct += m.at(c, c);
    const int64_t row = m.reference_count(c);
    chance += (static_cast<double>(row) / n) * (static_cast<double>(m.predicted_count(c)) / n);
    if (row == 0) continue;
    s.per_class_accuracy[c] = static_cast<double>(m.at(c, c)) / static_cast<double>(row);
    accuracy_sum += s.per_class_accuracy[c];
    ++present;
  }
  s.overall_accuracy = static_cast<double>(correct) / n;
  s.average_accuracy = accuracy_sum / static_cast<double>(present);
  s.kappa = chance < 1.0 ? (s.overall_accuracy - chance) / (1.0 - chance) : nan;
  return s;
}

}  // namespace moezoo::datasets::hsi
