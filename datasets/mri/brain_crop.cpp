#include "datasets/mri/brain_crop.h"

#include <torch/torch.h>

#include <algorithm>

#include "datasets/mri/intensity_normalization.h"

namespace moezoo::datasets::mri {

using torch::indexing::Ellipsis;
using torch::indexing::Slice;

CropBox bounding_box(const at::Tensor& mask, int64_t margin) {
  TORCH_CHECK(mask.dim() == 3, "bounding_box: expected mask [D, H, W]");
  CropBox box;
  for (int d = 0; d < 3; ++d) box.end[d] = mask.size(d);
  const auto nonzero = mask.to(torch::kBool).nonzero();  // [N, 3]
  if (nonzero.size(0) == 0) return box;
  const auto lo = std::get<0>(nonzero.min(0)), hi = std::get<0>(nonzero.max(0));
  for (int d = 0; d < 3; ++d) {
    box.begin[d] = std::max<int64_t>(0, lo[d].item<int64_t>() - margin);
    box.end[d] = std::min<int64_t>(mask.size(d), hi[d].item<int64_t>() + 1 + margin);
  }
  return box;
}

at::Tensor crop(const at::Tensor& tensor, const CropBox& box) {
  return tensor.index(
      {Ellipsis, Slice(box.begin[0], box.end[0]), Slice(box.begin[1], box.end[1]), Slice(box.begin[2], box.end[2])});
}

Geometry crop_geometry(const Geometry& geometry, const CropBox& box) {
  Geometry g = geometry;
  const auto shape = box.shape();
  g.size = {shape[2], shape[1], shape[0]};
  // Index offset in ITK order (x, y, z) = tensor (W, H, D) reversed.
  const std::array<double, 3> offset{static_cast<double>(box.begin[2]), static_cast<double>(box.begin[1]),
                                     static_cast<double>(box.begin[0])};
  for (int r = 0; r < 3; ++r) {
    double shift = 0.0;
    for (int c = 0; c < 3; ++c) shift += geometry.direction[r * 3 + c] * geometry.spacing[c] * offset[c];
    g.origin[r] = geometry.origin[r] + shift;
  }
  return g;
}

MriCase crop_to_brain(const MriCase& c, int64_t margin) {
  const CropBox box = bounding_box(brain_mask(c.image), margin);
  MriCase out;
  out.id = c.id;
  out.image = crop(c.image, box).contiguous();
  if (c.label.defined()) out.label = crop(c.label, box).contiguous();
  out.geometry = crop_geometry(c.geometry, box);
  return out;
}

at::Tensor uncrop(const at::Tensor& tensor, const CropBox& box, const std::array<int64_t, 3>& full_shape, double fill) {
  std::vector<int64_t> shape(tensor.sizes().begin(), tensor.sizes().end() - 3);
  shape.insert(shape.end(), full_shape.begin(), full_shape.end());
  auto out = torch::full(shape, fill, tensor.options());
  crop(out, box).copy_(tensor);
  return out;
}

}  // namespace moezoo::datasets::mri
