#include "models/lgest/lgest.h"

#include <torch/torch.h>

#include "core/layers/patch_embed.h"
#include "core/util/error.h"

namespace moezoo::models::lgest {

LGEST::LGEST(LGESTOptions options) : options_(std::move(options)) {
  const auto& o = options_;
  check_input(o.patch() >= 1 && o.patch() % 2 == 1, "model.patch",
              "must be odd (the centre pixel is classified), got " + std::to_string(o.patch()));
  check_input(o.classes() >= 2, "model.classes", "must be >= 2, got " + std::to_string(o.classes()));
  check_input(o.levels() >= 1, "model.levels", "must be >= 1, got " + std::to_string(o.levels()));
  check_input(o.dsae_channels().size() == 2, "model.dsae_channels", "must hold two widths [c1, c2]");
  check_input(o.recon_coef() >= 0.0, "model.recon_coef", "must be >= 0");
  for (int64_t l = 0, side = o.patch(); l < o.levels(); ++l, side = (side + 1) / 2) {
    check_input(l == 0 || sizes_.back() > 1, "model.levels",
                std::to_string(o.levels()) + " levels need a patch larger than " + std::to_string(o.patch()));
    sizes_.push_back(side);
  }

  dsae = register_module("dsae", SpectralAutoencoder(SpectralAutoencoderOptions(o.bands(), o.latent_dim())
                                                         .channels1(o.dsae_channels()[0])
                                                         .channels2(o.dsae_channels()[1])));
  stem_ = register_module("stem", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.latent_dim(), o.dim(), 1)));
  for (int64_t l = 0; l < o.levels(); ++l) {
    const std::string level = std::to_string(l);
    if (l > 0) {
      down_.push_back(register_module(
          "down" + level, torch::nn::Conv2d(torch::nn::Conv2dOptions(o.dim(), o.dim(), 3).stride(2).padding(1))));
      lateral_.push_back(
          register_module("lateral" + level, torch::nn::Conv2d(torch::nn::Conv2dOptions(o.dim(), o.dim(), 1))));
    }
    blocks_.push_back(register_module("level" + level, CIEMBlock(CIEMBlockOptions(o.dim(), sizes_[l], sizes_[l])
                                                                     .heads(o.heads())
                                                                     .mlp_ratio(o.mlp_ratio())
                                                                     .experts(o.experts())
                                                                     .top_k(o.top_k())
                                                                     .expert_heads(o.expert_heads())
                                                                     .expert_mlp_ratio(o.expert_mlp_ratio())
                                                                     .prior_weight(o.prior_weight())
                                                                     .balancer(o.balancer())
                                                                     .dropout(o.block_dropout()))));
  }
  head_norm_ = register_module("head_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.dim()})));
  dropout_ = register_module("dropout", torch::nn::Dropout(o.dropout()));
  classifier_ = register_module("classifier", torch::nn::Linear(2 * o.dim(), o.classes()));
}

at::Tensor LGEST::forward(const at::Tensor& patches) {
  const auto& o = options_;
  check_patches(patches, o.bands(), o.patch(), "LGEST.forward");
  core::AuxLosses aux;
  const at::Tensor z = dsae->encode(patches);
  if (is_training() && o.recon_coef() > 0)
    aux.add("recon", o.recon_coef() * torch::mse_loss(dsae->decode(z), patches));

  // Bottom-up: each level reads the previous level's output, downsampled.
  std::vector<at::Tensor> outs;
  at::Tensor h = stem_(z);
  for (size_t l = 0; l < blocks_.size(); ++l) {
    if (l > 0) h = down_[l - 1](h);
    h = blocks_[l]->forward(h, &aux);
    outs.push_back(h);
  }
  // Top-down: coarse context upsampled into every finer level.
  at::Tensor y = outs.back();
  for (size_t l = outs.size() - 1; l-- > 0;) {
    const at::Tensor up = torch::nn::functional::interpolate(
        y, torch::nn::functional::InterpolateFuncOptions()
               .size(std::vector<int64_t>{sizes_[l], sizes_[l]})
               .mode(torch::kBilinear)
               .align_corners(false));
    y = outs[l] + lateral_[l]->forward(up);
  }
  const at::Tensor tokens = head_norm_(core::grid_to_tokens(y));  // [B, P*P, D]
  const int64_t centre = (o.patch() / 2) * o.patch() + o.patch() / 2;
  const at::Tensor features = torch::cat({tokens.select(1, centre), tokens.mean(1)}, -1);
  aux_ = std::move(aux);
  return classifier_(dropout_(features));
}

at::Tensor LGEST::reconstruct(const at::Tensor& patches) {
  check_patches(patches, options_.bands(), options_.patch(), "LGEST.reconstruct");
  return dsae->forward(patches);
}

std::vector<core::MoELayer> LGEST::moe_layers() const {
  std::vector<core::MoELayer> layers;
  for (const auto& block : blocks_) layers.push_back(block->moe);
  return layers;
}

at::Tensor LGEST::expert_weights() const {
  std::vector<at::Tensor> levels;
  for (const auto& block : blocks_) {
    const core::Routing& r = block->moe->last_routing();
    if (!r.expert_indices.defined()) return {};
    const at::Tensor w = r.combine_weights * r.keep_mask.to(r.combine_weights.dtype());
    levels.push_back(torch::zeros({r.num_tokens(), r.num_experts}, w.options()).scatter(1, r.expert_indices, w));
  }
  return torch::cat(levels, 1);
}

std::vector<std::string> LGEST::expert_names() const {
  std::vector<std::string> names;
  for (size_t l = 0; l < blocks_.size(); ++l)
    for (int64_t e = 0; e < options_.experts(); ++e)
      names.push_back("level" + std::to_string(l) + "/lges" + std::to_string(e));
  return names;
}

}  // namespace moezoo::models::lgest
