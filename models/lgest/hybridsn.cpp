#include "models/lgest/hybridsn.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::models::lgest {

namespace {

/// Keras' Glorot-uniform kernel and zero bias.
template <typename Layer>
Layer keras_init(Layer layer) {
  torch::NoGradGuard no_grad;
  torch::nn::init::xavier_uniform_(layer->weight);
  layer->bias.zero_();
  return layer;
}

}  // namespace

HybridSN::HybridSN(HybridSNOptions options) : options_(options) {
  const auto& o = options_;
  check_input(o.bands() >= 13, "model.in_bands",
              "HybridSN needs at least 13 bands (its 3D kernels span 7 + 5 + 3 bands), got " + std::to_string(o.bands()));
  check_input(o.patch() >= 1 && o.patch() % 2 == 1, "model.patch", "must be odd, got " + std::to_string(o.patch()));
  check_input(o.same_padding() || o.patch() >= 9, "model.patch",
              "HybridSN's valid convolutions need a patch of at least 9, got " + std::to_string(o.patch()) +
                  " (set model.same_padding=true for smaller patches)");
  check_input(o.classes() >= 2, "model.classes", "must be >= 2, got " + std::to_string(o.classes()));
  using torch::ExpandingArray;
  const int64_t pad = o.same_padding() ? 1 : 0;
  auto conv3d = [pad](int64_t in, int64_t out, int64_t depth) {
    return keras_init(torch::nn::Conv3d(
        torch::nn::Conv3dOptions(in, out, ExpandingArray<3>({depth, 3, 3})).padding(ExpandingArray<3>({0, pad, pad}))));
  };
  conv1_ = register_module("conv1", conv3d(1, 8, 7));
  conv2_ = register_module("conv2", conv3d(8, 16, 5));
  conv3_ = register_module("conv3", conv3d(16, 32, 3));
  conv4_ = register_module("conv4",
                           keras_init(torch::nn::Conv2d(torch::nn::Conv2dOptions(32 * (o.bands() - 12), 64, 3).padding(pad))));
  const int64_t side = feature_side();
  fc1_ = register_module("fc1", keras_init(torch::nn::Linear(64 * side * side, 256)));
  fc2_ = register_module("fc2", keras_init(torch::nn::Linear(256, 128)));
  fc3_ = register_module("fc3", keras_init(torch::nn::Linear(128, o.classes())));
  dropout_ = register_module("dropout", torch::nn::Dropout(o.dropout()));
}

int64_t HybridSN::feature_side() const { return options_.same_padding() ? options_.patch() : options_.patch() - 8; }

at::Tensor HybridSN::forward(const at::Tensor& patches) {
  check_patches(patches, options_.bands(), options_.patch(), "HybridSN.forward");
  at::Tensor h = torch::relu(conv1_(patches.unsqueeze(1)));
  h = torch::relu(conv2_(h));
  h = torch::relu(conv3_(h));                         // [B, 32, C - 12, S + 2, S + 2]
  h = torch::relu(conv4_(h.flatten(1, 2)));           // [B, 64, S, S]
  h = dropout_(torch::relu(fc1_(h.flatten(1))));
  h = dropout_(torch::relu(fc2_(h)));
  return fc3_(h);
}

}  // namespace moezoo::models::lgest
