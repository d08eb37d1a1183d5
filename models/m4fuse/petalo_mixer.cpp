#include "models/m4fuse/petalo_mixer.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::models::m4fuse {

PetaloMixerImpl::PetaloMixerImpl(PetaloMixerOptions options_) : options(options_) { reset(); }

void PetaloMixerImpl::reset() {
  const auto& o = options;
  check_input(o.in_dim() >= 1 && o.out_dim() >= 1, "PetaloMixer", "in_dim and out_dim must be >= 1");
  check_input(o.groups() >= 1 && o.in_dim() % o.groups() == 0, "PetaloMixer",
              "in_dim (" + std::to_string(o.in_dim()) + ") must be divisible by groups (" +
                  std::to_string(o.groups()) + ")");
  norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.in_dim()})));
  mamba = register_module(
      "mamba", core::Mamba(core::MambaOptions(o.in_dim() / o.groups()).d_state(o.d_state()).d_conv(o.d_conv()).expand(o.expand())));
  proj = register_module("proj", torch::nn::Linear(o.in_dim(), o.out_dim()));
  skip_scale = register_parameter("skip_scale", torch::ones({1}));
}

at::Tensor PetaloMixerImpl::forward_tokens(const at::Tensor& x) {
  const auto& o = options;
  check_input(x.dim() == 3 && x.size(2) == o.in_dim(), "PetaloMixer.forward_tokens",
              "x must be [B, N, " + std::to_string(o.in_dim()) + "], got " + c10::str(x.sizes()));
  const int64_t b = x.size(0), n = x.size(1), g = o.groups(), c = o.in_dim() / g;
  const at::Tensor u = norm(x);
  // [B, N, G, c] -> [G B, N, c]: group-major, so one Mamba call serves every group.
  const at::Tensor parts = u.view({b, n, g, c}).permute({2, 0, 1, 3}).reshape({g * b, n, c});
  const at::Tensor v = mamba(parts) + skip_scale * parts;
  const at::Tensor merged = v.view({g, b, n, c}).permute({1, 2, 0, 3}).reshape({b, n, g * c});
  return proj(norm(merged));
}

at::Tensor PetaloMixerImpl::forward(const at::Tensor& x) {
  check_input(x.dim() == 5 && x.size(1) == options.in_dim(), "PetaloMixer.forward",
              "x must be [B, " + std::to_string(options.in_dim()) + ", D, H, W], got " + c10::str(x.sizes()));
  const int64_t b = x.size(0);
  const auto spatial = x.sizes().slice(2);
  const at::Tensor tokens = x.flatten(2).transpose(1, 2);  // [B, N, C]
  const at::Tensor y = forward_tokens(tokens).transpose(1, 2);  // [B, C_out, N]
  std::vector<int64_t> shape{b, options.out_dim()};
  shape.insert(shape.end(), spatial.begin(), spatial.end());
  return y.reshape(shape);
}

}  // namespace moezoo::models::m4fuse
