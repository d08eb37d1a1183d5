#include "datasets/mri/tumor_regions.h"

#include <torch/torch.h>

#include <array>

#include "core/util/error.h"

namespace moezoo::datasets::mri {

at::Tensor to_brats_labels(const at::Tensor& raw, LabelConvention convention, const std::string& where) {
  const auto values = raw.to(torch::kDouble);
  check_input(torch::equal(values, values.round()), where, "label map holds fractional values");
  auto labels = values.to(torch::kLong);
  // table[raw value] = BraTS 2018-2021 label, -1 for values the convention does not have.
  std::array<int64_t, 5> table{};
  switch (convention) {
    case LabelConvention::kBrats2018:
      table = {0, 1, 2, -1, 4};
      break;
    case LabelConvention::kBrats2023:
      table = {0, 1, 2, 4, -1};
      break;
    case LabelConvention::kNnunet:
      table = {0, 2, 1, 4, -1};
      break;
  }
  const auto lut = torch::tensor(std::vector<int64_t>(table.begin(), table.end()), torch::kLong);
  const auto outside = labels.lt(0) | labels.gt(4);
  const auto mapped = lut.index({labels.clamp(0, 4)});
  const auto bad = outside | mapped.lt(0);
  if (bad.any().item<bool>()) {
    const int64_t value = labels.masked_select(bad)[0].item<int64_t>();
    const char* expected = convention == LabelConvention::kBrats2018 ? "{0, 1, 2, 4}" : "{0, 1, 2, 3}";
    throw Error(where + ": label value " + std::to_string(value) + " outside the expected set " + expected);
  }
  return mapped;
}

at::Tensor label_regions(const at::Tensor& labels) {
  const auto et = labels.eq(4);
  const auto tc = et | labels.eq(1);
  const auto wt = tc | labels.eq(2);
  return torch::stack({et, tc, wt});
}

at::Tensor regions_to_labels(const at::Tensor& regions) {
  TORCH_CHECK(regions.dim() == 4 && regions.size(0) == kNumRegions, "regions_to_labels: expected [3, D, H, W]");
  const auto on = regions.scalar_type() == torch::kBool ? regions : regions.gt(0.5);
  auto labels = torch::zeros(regions.sizes().slice(1), torch::kLong);
  labels.masked_fill_(on[2], 2);
  labels.masked_fill_(on[1], 1);
  labels.masked_fill_(on[0], 4);
  return labels;
}

}  // namespace moezoo::datasets::mri
