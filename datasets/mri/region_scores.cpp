#include "datasets/mri/region_scores.h"

#include <torch/torch.h>

namespace moezoo::datasets::mri {

namespace {

std::vector<uint8_t> to_mask(const at::Tensor& region) {
  const auto bytes = region.to(torch::kCPU).to(torch::kByte).contiguous();
  return std::vector<uint8_t>(bytes.data_ptr<uint8_t>(), bytes.data_ptr<uint8_t>() + bytes.numel());
}

}  // namespace

std::array<RegionScore, kNumRegions> score_brats_regions(const at::Tensor& prediction, const at::Tensor& reference,
                                                         const Geometry& geometry) {
  TORCH_CHECK(prediction.dim() == 3 && prediction.sizes() == reference.sizes(),
              "score_brats_regions: expected prediction and reference [D, H, W] of one shape");
  const MaskGrid grid{{reference.size(0), reference.size(1), reference.size(2)},
                      {geometry.spacing[2], geometry.spacing[1], geometry.spacing[0]}};
  const auto predicted = label_regions(prediction), expected = label_regions(reference);
  std::array<RegionScore, kNumRegions> scores;
  for (int r = 0; r < kNumRegions; ++r) scores[r] = score_region(to_mask(predicted[r]), to_mask(expected[r]), grid);
  return scores;
}

}  // namespace moezoo::datasets::mri
