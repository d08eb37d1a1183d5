#include "datasets/mri/intensity_normalization.h"

#include <torch/torch.h>

namespace moezoo::datasets::mri {

at::Tensor brain_mask(const at::Tensor& image) {
  TORCH_CHECK(image.dim() == 4, "brain_mask: expected image [C, D, H, W]");
  return image.ne(0).any(0);
}

at::Tensor zscore_in_mask(const at::Tensor& image, const at::Tensor& mask) {
  TORCH_CHECK(image.dim() == 4 && mask.sizes() == image.sizes().slice(1),
              "zscore_in_mask: expected [C, D, H, W] and [D, H, W]");
  const auto x = image.to(torch::kFloat);
  const auto m = mask.to(torch::kBool).unsqueeze(0);  // [1, D, H, W]
  const auto count = m.sum().item<int64_t>();
  if (count == 0) return torch::zeros_like(x);
  const auto mf = m.to(torch::kFloat);
  // Statistics in double: a 240x240x155 brain sums ~1.5M values of size ~1e3.
  const auto xd = x.to(torch::kDouble) * mf;
  const auto mean = xd.sum({1, 2, 3}, true) / static_cast<double>(count);  // [C, 1, 1, 1]
  const auto var = ((x.to(torch::kDouble) - mean).square() * mf).sum({1, 2, 3}, true) / static_cast<double>(count);
  auto std = var.sqrt();
  std = torch::where(std < 1e-8, torch::ones_like(std), std);
  return ((x.to(torch::kDouble) - mean) / std * mf).to(torch::kFloat);
}

}  // namespace moezoo::datasets::mri
