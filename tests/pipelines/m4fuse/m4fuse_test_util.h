#pragma once
/// Small labelled cases for the moezoo-m4fuse tests, from the phantom brain (no data
/// needed), at 1 mm: what real BraTS cases look like, at a fraction of the size.

#include <torch/torch.h>

#include <string>

#include "datasets/mri/brain_crop.h"
#include "datasets/mri/resampling.h"
#include "datasets/mri/synthetic_tumor.h"
#include "pipelines/m4fuse/mri_data.h"
#include "tests/support/test_data.h"

namespace moezoo::testing {

/// A synthetic case on a 1 mm grid: the phantom brain's box at 1 mm (about 60 voxels a side).
inline datasets::mri::MriCase phantom_case(uint64_t seed, int64_t index = 0) {
  static const datasets::mri::SyntheticTumorGenerator generator = [] {
    const auto brain = datasets::mri::phantom_brain({64, 72, 64});
    const auto box = datasets::mri::bounding_box(brain.data > 0, 1);
    datasets::mri::SyntheticTumorOptions options;
    options.shape = datasets::mri::shape_for_spacing(datasets::mri::crop_geometry(brain.geometry, box), 1.0);
    return datasets::mri::SyntheticTumorGenerator(brain, options);
  }();
  return generator.make_case(seed, index);
}

/// MriData of `train` + `val` phantom cases prepared at `spacing_mm`, patches `patch`^3.
inline pipelines::m4fuse::MriData phantom_data(int64_t train, int64_t val, double spacing_mm, int64_t patch) {
  pipelines::m4fuse::MriData data;
  data.name = "phantom";
  data.settings.grid.spacing_mm = spacing_mm;
  data.settings.patch = {patch, patch, patch};
  for (int64_t i = 0; i < train + val; ++i)
    (i < train ? data.train : data.val)
        .push_back(pipelines::m4fuse::prepare_case(phantom_case(7, i), data.settings.grid));
  return data;
}

/// The message of the moezoo::Error `f` throws ("" when none).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace moezoo::testing
