#pragma once
/// The one place where M4Fuse's class indices meet BraTS labels (BraTS 2018-2021
/// convention, the one every MriCase uses; see datasets/mri/tumor_regions.h):
///   class 0 background <-> label 0
///   class 1 NCR        <-> label 1
///   class 2 ED         <-> label 2
///   class 3 ET         <-> label 4

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <string>

namespace moezoo::pipelines::m4fuse {

inline constexpr int64_t kNumClasses = 4;

/// The BraTS label of each class: {0, 1, 2, 4}.
inline constexpr std::array<int64_t, kNumClasses> kClassLabels{0, 1, 2, 4};

/// "background", "NCR", "ED", "ET".
const char* class_name(int64_t cls);

/// labels [...] (BraTS 2018-2021, any integral dtype) -> classes [...] int64 in 0..3. A value
/// outside {0, 1, 2, 4} is an Error naming `where` and the value.
at::Tensor labels_to_classes(const at::Tensor& labels, const std::string& where);

/// classes [...] (integral, 0..3) -> BraTS labels [...] int64 in {0, 1, 2, 4}.
at::Tensor classes_to_labels(const at::Tensor& classes);

}  // namespace moezoo::pipelines::m4fuse
