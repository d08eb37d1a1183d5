#include "datasets/mri/patch_sampling.h"

#include <torch/torch.h>

#include <algorithm>

namespace moezoo::datasets::mri {

using torch::indexing::Slice;

namespace {

/// `t` [..., D, H, W] zero-padded at the end to at least `size`.
at::Tensor pad_to(const at::Tensor& t, const std::array<int64_t, 3>& size) {
  const int64_t n = t.dim();
  std::vector<int64_t> pad;
  for (int d = 2; d >= 0; --d) {
    pad.push_back(0);
    pad.push_back(std::max<int64_t>(0, size[d] - t.size(n - 3 + d)));
  }
  return std::all_of(pad.begin(), pad.end(), [](int64_t p) { return p == 0; }) ? t : torch::constant_pad_nd(t, pad);
}

int64_t uniform_int(std::mt19937_64& rng, int64_t lo, int64_t hi) {  // [lo, hi]
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

}  // namespace

Patch sample_patch(const at::Tensor& image, const at::Tensor& label, const PatchOptions& options,
                   std::mt19937_64& rng) {
  TORCH_CHECK(image.dim() == 4, "sample_patch: expected image [C, D, H, W]");
  const auto& size = options.size;
  const auto img = pad_to(image.to(torch::kFloat), size);
  const auto lab = label.defined() ? pad_to(label, size) : at::Tensor();
  const std::array<int64_t, 3> shape{img.size(1), img.size(2), img.size(3)};

  Patch patch;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  bool centred = false;
  if (lab.defined() && unit(rng) < options.foreground_fraction) {
    const auto foreground = lab.gt(0).nonzero();  // [N, 3]
    if (foreground.size(0) > 0) {
      const auto centre = foreground[uniform_int(rng, 0, foreground.size(0) - 1)];
      for (int d = 0; d < 3; ++d)
        patch.begin[d] = std::clamp<int64_t>(centre[d].item<int64_t>() - size[d] / 2, 0, shape[d] - size[d]);
      centred = true;
    }
  }
  if (!centred)
    for (int d = 0; d < 3; ++d) patch.begin[d] = uniform_int(rng, 0, shape[d] - size[d]);

  const auto& b = patch.begin;
  const auto box = [&](const at::Tensor& t) {
    return t.index({"...", Slice(b[0], b[0] + size[0]), Slice(b[1], b[1] + size[1]), Slice(b[2], b[2] + size[2])});
  };
  patch.image = box(img).clone();
  if (lab.defined()) patch.label = box(lab).to(torch::kLong).clone();

  if (options.flip) {
    std::vector<int64_t> axes;
    for (int d = 0; d < 3; ++d)
      if ((patch.flipped[d] = unit(rng) < 0.5)) axes.push_back(d);
    if (!axes.empty()) {
      std::vector<int64_t> image_axes;
      for (int64_t a : axes) image_axes.push_back(a + 1);
      patch.image = patch.image.flip(image_axes);
      if (patch.label.defined()) patch.label = patch.label.flip(axes);
    }
  }

  const auto inside = patch.image.ne(0);
  for (int64_t c = 0; c < patch.image.size(0); ++c) {
    const double scale = 1.0 + options.intensity_scale * (2.0 * unit(rng) - 1.0);
    const double shift = options.intensity_shift * (2.0 * unit(rng) - 1.0);
    auto channel = patch.image[c];
    channel.copy_(torch::where(inside[c], channel * scale + shift, channel));
  }
  return patch;
}

}  // namespace moezoo::datasets::mri
