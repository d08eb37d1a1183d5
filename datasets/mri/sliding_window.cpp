#include "datasets/mri/sliding_window.h"

#include <torch/torch.h>

#include <cmath>

namespace moezoo::datasets::mri {

using torch::indexing::Slice;

std::vector<int64_t> window_starts(int64_t size, int64_t window, double overlap) {
  TORCH_CHECK(window > 0 && overlap >= 0.0 && overlap < 1.0, "window_starts: need window > 0 and overlap in [0, 1)");
  if (size <= window) return {0};
  const double target_step = static_cast<double>(window) * (1.0 - overlap);
  const int64_t steps = static_cast<int64_t>(std::ceil(static_cast<double>(size - window) / target_step)) + 1;
  const double step = static_cast<double>(size - window) / static_cast<double>(steps - 1);
  std::vector<int64_t> starts;
  for (int64_t i = 0; i < steps; ++i)
    starts.push_back(static_cast<int64_t>(std::llround(step * static_cast<double>(i))));
  return starts;
}

at::Tensor gaussian_importance(const std::array<int64_t, 3>& window, double sigma_scale) {
  std::vector<at::Tensor> axes;
  for (int64_t n : window) {
    const auto x = torch::arange(n, torch::kDouble) - static_cast<double>(n - 1) / 2.0;
    const double sigma = sigma_scale * static_cast<double>(n);
    axes.push_back((-x.square() / (2.0 * sigma * sigma)).exp());
  }
  auto g = axes[0].view({-1, 1, 1}) * axes[1].view({1, -1, 1}) * axes[2].view({1, 1, -1});
  g = (g / g.max()).to(torch::kFloat);
  const auto positive = g.masked_select(g > 0);
  if (positive.numel() < g.numel()) g = torch::where(g > 0, g, positive.min());
  return g;
}

at::Tensor sliding_window_inference(const at::Tensor& volume, const SlidingWindowOptions& options,
                                    const PatchPredictor& predictor) {
  TORCH_CHECK(volume.dim() == 4, "sliding_window_inference: expected volume [C, D, H, W]");
  TORCH_CHECK(options.batch_size > 0, "sliding_window_inference: batch_size must be positive");
  const auto& win = options.window;
  // Pad axes shorter than the window (at the end) so that every window lies inside.
  std::array<int64_t, 3> full{volume.size(1), volume.size(2), volume.size(3)}, padded_shape;
  for (int d = 0; d < 3; ++d) padded_shape[d] = std::max(full[d], win[d]);
  at::Tensor input = volume;
  if (padded_shape != full)
    input = torch::constant_pad_nd(
        volume, {0, padded_shape[2] - full[2], 0, padded_shape[1] - full[1], 0, padded_shape[0] - full[0]});

  const auto weight = options.gaussian ? gaussian_importance(win, options.sigma_scale).to(volume.device())
                                       : torch::ones({win[0], win[1], win[2]}, volume.options().dtype(torch::kFloat));
  std::vector<std::array<int64_t, 3>> corners;
  for (int64_t z : window_starts(padded_shape[0], win[0], options.overlap))
    for (int64_t y : window_starts(padded_shape[1], win[1], options.overlap))
      for (int64_t x : window_starts(padded_shape[2], win[2], options.overlap)) corners.push_back({z, y, x});

  at::Tensor sum, weight_sum = torch::zeros({padded_shape[0], padded_shape[1], padded_shape[2]}, weight.options());
  auto window_of = [&](const at::Tensor& t, const std::array<int64_t, 3>& c) {
    return t.index({"...", Slice(c[0], c[0] + win[0]), Slice(c[1], c[1] + win[1]), Slice(c[2], c[2] + win[2])});
  };
  for (size_t first = 0; first < corners.size(); first += static_cast<size_t>(options.batch_size)) {
    const size_t last = std::min(corners.size(), first + static_cast<size_t>(options.batch_size));
    std::vector<at::Tensor> patches;
    for (size_t i = first; i < last; ++i) patches.push_back(window_of(input, corners[i]));
    const auto logits = predictor(torch::stack(patches)).to(torch::kFloat);  // [B, K, d, h, w]
    TORCH_CHECK(logits.dim() == 5 && logits.size(0) == static_cast<int64_t>(last - first) && logits.size(2) == win[0] &&
                    logits.size(3) == win[1] && logits.size(4) == win[2],
                "sliding_window_inference: the predictor must return [B, K, d, h, w] for B windows");
    if (!sum.defined())
      sum = torch::zeros({logits.size(1), padded_shape[0], padded_shape[1], padded_shape[2]}, weight.options());
    for (size_t i = first; i < last; ++i) {
      window_of(sum, corners[i]).add_(logits[static_cast<int64_t>(i - first)] * weight);
      window_of(weight_sum, corners[i]).add_(weight);
    }
  }
  auto out = sum / weight_sum;
  return out.index({Slice(), Slice(0, full[0]), Slice(0, full[1]), Slice(0, full[2])}).contiguous();
}

}  // namespace moezoo::datasets::mri
