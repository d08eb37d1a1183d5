#include "pipelines/m4fuse/case_inference.h"

#include <torch/torch.h>

#include <chrono>

#include "core/util/error.h"
#include "pipelines/m4fuse/label_classes.h"

namespace moezoo::pipelines::m4fuse {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Segmentation segment(SegmentationTask& task, const WorkingCase& c, const c10::Device& device) {
  const auto start = std::chrono::steady_clock::now();
  const at::Tensor probabilities = task.predict(c.image, c.site, device);
  Segmentation s;
  s.working = classes_to_labels(probabilities.argmax(0)).masked_fill(c.image.ne(0).any(0).logical_not(), 0);
  s.labels = restore_labels(c, probabilities);
  s.seconds = seconds_since(start);
  return s;
}

Segmentation segment(SegmentationTask& task, const datasets::mri::MriCase& c, int64_t site, const c10::Device& device) {
  const auto start = std::chrono::steady_clock::now();
  const WorkingCase w = prepare_case(c, task.data().settings.grid, site);
  Segmentation s = segment(task, w, device);
  s.seconds = seconds_since(start);
  return s;
}

ScoredCases score_cases(SegmentationTask& task, const std::vector<WorkingCase>& cases, const c10::Device& device) {
  ScoredCases out;
  for (const auto& c : cases) {
    check_input(c.label.defined(), c.id, "has no label to score against");
    const Segmentation s = segment(task, c, device);
    out.scores.push_back(score_case(c.id, s.labels, c.label, c.geometry));
    if (!out.first_prediction.defined()) out.first_prediction = s.working;
  }
  return out;
}

}  // namespace moezoo::pipelines::m4fuse
