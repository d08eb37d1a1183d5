#pragma once
/// Segmenting whole cases with a trained task: the working grid, sliding-window
/// probabilities, and the mask back on the case's original grid (working_case.h).

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <vector>

#include "datasets/mri/mri_case.h"
#include "pipelines/m4fuse/case_scores.h"
#include "pipelines/m4fuse/segmentation_task.h"
#include "pipelines/m4fuse/working_case.h"

namespace moezoo::pipelines::m4fuse {

/// A segmented case.
struct Segmentation {
  at::Tensor labels;     ///< [D, H, W] int64 BraTS labels (0/1/2/4) on the original grid
  at::Tensor working;    ///< [d, h, w] int64 BraTS labels on the working grid (figures), 0 outside the brain
  double seconds = 0.0;  ///< preparation + inference + restoration, wall clock
};

/// Segments an already prepared case. Call in eval mode under NoGradGuard.
Segmentation segment(SegmentationTask& task, const WorkingCase& c, const c10::Device& device);

/// Reads nothing: prepares `c` on the task's working grid with `site`, then segments it.
Segmentation segment(SegmentationTask& task, const datasets::mri::MriCase& c, int64_t site, const c10::Device& device);

/// Scores of each case (which must have labels) at its original resolution, and the
/// working-grid prediction of the first case (for the overlay figure; undefined for none).
struct ScoredCases {
  std::vector<CaseScore> scores;
  at::Tensor first_prediction;
};
ScoredCases score_cases(SegmentationTask& task, const std::vector<WorkingCase>& cases, const c10::Device& device);

}  // namespace moezoo::pipelines::m4fuse
