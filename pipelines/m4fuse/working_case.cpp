#include "pipelines/m4fuse/working_case.h"

#include <torch/torch.h>

#include "core/util/error.h"
#include "datasets/mri/intensity_normalization.h"
#include "datasets/mri/resampling.h"
#include "pipelines/m4fuse/label_classes.h"

namespace moezoo::pipelines::m4fuse {

namespace mri = datasets::mri;

WorkingCase prepare_case(const mri::MriCase& c, const WorkingGridOptions& options, int64_t site) {
  check_input(options.spacing_mm > 0, "data.spacing_mm", "must be > 0, got " + std::to_string(options.spacing_mm));
  const at::Tensor full_mask = mri::brain_mask(c.image);
  check_input(full_mask.any().item<bool>(), c.id, "every voxel of every modality is 0 (no brain to segment)");
  WorkingCase w;
  w.id = c.id;
  w.site = site;
  w.geometry = c.geometry;
  w.box = mri::bounding_box(full_mask, options.margin);
  const mri::Geometry crop_geometry = mri::crop_geometry(c.geometry, w.box);
  const at::Tensor image = mri::crop(c.image, w.box).contiguous();  // [4, cd, ch, cw]
  w.brain = mri::crop(full_mask, w.box).contiguous();
  const at::Tensor normalised = mri::zscore_in_mask(image, w.brain);

  const auto shape = mri::shape_for_spacing(crop_geometry, options.spacing_mm);
  const std::array<int64_t, 3> crop_shape{image.size(1), image.size(2), image.size(3)};
  const bool same = shape == crop_shape;
  w.working_geometry = same ? crop_geometry : mri::resized_geometry(crop_geometry, shape);
  w.image = same ? normalised : mri::resize_intensities(normalised, shape).contiguous();
  if (c.label.defined()) {
    const at::Tensor classes = labels_to_classes(c.label, c.id + " label");  // checks the label set
    w.label = c.label.to(torch::kUInt8).contiguous();
    const at::Tensor cropped = mri::crop(classes, w.box).contiguous();
    w.classes = same ? cropped : mri::resize_labels(cropped, shape).contiguous();
  }
  return w;
}

at::Tensor restore_labels(const WorkingCase& c, const at::Tensor& probabilities) {
  check_input(probabilities.dim() == 4 && probabilities.size(0) == kNumClasses &&
                  probabilities.size(1) == c.image.size(1) && probabilities.size(2) == c.image.size(2) &&
                  probabilities.size(3) == c.image.size(3),
              c.id, "probabilities must be [4, d, h, w] on the working grid");
  const std::array<int64_t, 3> crop_shape{c.brain.size(0), c.brain.size(1), c.brain.size(2)};
  const at::Tensor p = probabilities.to(torch::kCPU, torch::kFloat32);
  const bool same = crop_shape == c.shape();
  const at::Tensor on_crop = same ? p : mri::resize_intensities(p, crop_shape);  // [4, cd, ch, cw]
  const at::Tensor labels = classes_to_labels(on_crop.argmax(0)).masked_fill(c.brain.logical_not(), 0);
  return mri::uncrop(labels, c.box, c.full_shape(), 0.0).to(torch::kLong);
}

}  // namespace moezoo::pipelines::m4fuse
