#include "models/lgest/ssftt.h"

#include <torch/torch.h>

#include "core/layers/patch_embed.h"
#include "core/util/error.h"

namespace moezoo::models::lgest {

SSFTT::SSFTT(SSFTTOptions options) : options_(options) {
  const auto& o = options_;
  check_input(o.bands() >= 3, "model.in_bands",
              "SSFTT needs at least 3 bands (its 3D kernel spans 3), got " + std::to_string(o.bands()));
  check_input(o.patch() >= 5 && o.patch() % 2 == 1, "model.patch",
              "SSFTT needs an odd patch of at least 5 (two valid 3x3 convolutions), got " + std::to_string(o.patch()));
  check_input(o.classes() >= 2, "model.classes", "must be >= 2, got " + std::to_string(o.classes()));
  check_input(o.num_tokens() >= 1 && o.depth() >= 1 && o.mlp_dim() >= 1, "model",
              "num_tokens, depth and mlp_dim must be >= 1");
  check_input(o.heads() >= 1 && o.dim() % o.heads() == 0, "model.heads",
              "must divide dim (" + std::to_string(o.dim()) + "), got " + std::to_string(o.heads()));
  conv3d_ = register_module("conv3d", torch::nn::Conv3d(torch::nn::Conv3dOptions(1, o.conv3d_channels(), 3)));
  bn3d_ = register_module("bn3d", torch::nn::BatchNorm3d(o.conv3d_channels()));
  conv2d_ = register_module(
      "conv2d", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.conv3d_channels() * (o.bands() - 2), o.conv2d_channels(), 3)));
  bn2d_ = register_module("bn2d", torch::nn::BatchNorm2d(o.conv2d_channels()));
  tokenizer_ = register_module("tokenizer",
                               FeatureTokenizer(FeatureTokenizerOptions(o.conv2d_channels(), o.num_tokens(), o.dim())));
  pos_embedding_ = register_parameter("pos_embedding", torch::empty({1, o.num_tokens() + 1, o.dim()}));
  torch::nn::init::normal_(pos_embedding_, 0.0, 0.02);
  cls_token_ = register_parameter("cls_token", torch::zeros({1, 1, o.dim()}));
  emb_dropout_ = register_module("emb_dropout", torch::nn::Dropout(o.emb_dropout()));
  for (int64_t l = 0; l < o.depth(); ++l)
    blocks_.push_back(register_module(
        "block" + std::to_string(l),
        core::TransformerBlock(core::TransformerBlockOptions(o.dim(), o.heads())
                                   .mlp_ratio(static_cast<double>(o.mlp_dim()) / static_cast<double>(o.dim()))
                                   .activation("gelu")
                                   .norm("layernorm")
                                   .norm_eps(1e-5)
                                   .dropout(o.dropout()))));
  head_ = register_module("head", torch::nn::Linear(o.dim(), o.classes()));
  torch::NoGradGuard no_grad;
  torch::nn::init::xavier_uniform_(head_->weight);
  torch::nn::init::normal_(head_->bias, 0.0, 1e-6);
}

at::Tensor SSFTT::forward(const at::Tensor& patches) {
  check_patches(patches, options_.bands(), options_.patch(), "SSFTT.forward");
  at::Tensor h = torch::relu(bn3d_(conv3d_(patches.unsqueeze(1))));  // [B, 8, C - 2, P - 2, P - 2]
  h = torch::relu(bn2d_(conv2d_(h.flatten(1, 2))));                    // [B, 64, P - 4, P - 4]
  const at::Tensor tokens = tokenizer_(core::grid_to_tokens(h));      // [B, L, D]
  at::Tensor x = torch::cat({cls_token_.expand({tokens.size(0), -1, -1}), tokens}, 1) + pos_embedding_;
  x = emb_dropout_(x);
  for (auto& block : blocks_) x = block->forward(x);
  return head_(x.select(1, 0));
}

}  // namespace moezoo::models::lgest
