#include "pipelines/m4fuse/label_classes.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::pipelines::m4fuse {

const char* class_name(int64_t cls) {
  static const char* names[kNumClasses] = {"background", "NCR", "ED", "ET"};
  return cls >= 0 && cls < kNumClasses ? names[cls] : "?";
}

at::Tensor labels_to_classes(const at::Tensor& labels, const std::string& where) {
  const at::Tensor l = labels.to(torch::kLong);
  // label -> class through a lookup table over 0..4 (label 3 is not a BraTS 2018 label).
  const at::Tensor valid = l.eq(0) | l.eq(1) | l.eq(2) | l.eq(4);
  if (!valid.all().item<bool>()) {
    const int64_t bad = l.masked_select(valid.logical_not()).flatten()[0].item<int64_t>();
    throw Error(where + ": label " + std::to_string(bad) + " is not a BraTS 2018-2021 label (expected 0, 1, 2 or 4)");
  }
  const at::Tensor table = torch::tensor({0, 1, 2, -1, 3}, torch::kLong).to(l.device());
  return table.index({l});
}

at::Tensor classes_to_labels(const at::Tensor& classes) {
  const at::Tensor table =
      torch::tensor({kClassLabels[0], kClassLabels[1], kClassLabels[2], kClassLabels[3]}, torch::kLong)
          .to(classes.device());
  return table.index({classes.to(torch::kLong).clamp(0, kNumClasses - 1)});
}

}  // namespace moezoo::pipelines::m4fuse
