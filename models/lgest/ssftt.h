#pragma once
/// SSFTT (Sun, Zhao, Zheng & Wu, "Spectral-Spatial Feature Tokenization Transformer for
/// Hyperspectral Image Classification", IEEE TGRS 60, 2022), a baseline of the LGEST
/// pipeline. Layer sizes follow the authors' code (zgr6010/HSI_SSFTT,
/// cls_SSFTT_IP/SSFTTnet.py):
///   x  [B, 1, C, P, P] -> Conv3d 8@(3,3,3) -> BN -> ReLU        [B, 8, C - 2, P - 2, P - 2]
///   -> reshape [B, 8 (C - 2), ...] -> Conv2d 64@3x3 -> BN -> ReLU -> [B, (P - 4)^2, 64]
///   -> Gaussian-weighted tokenizer to L = 4 tokens of width 64 (feature_tokenizer.h)
///   -> [cls; T] + pos -> Dropout 0.1 -> 1 pre-norm transformer encoder layer
///      (8 heads, MLP 64 -> 8 -> 64 with GELU, dropout 0.1) -> Linear on the cls token.
/// Convolutions are "valid" (P >= 5). Two differences from the reference code: its
/// attention scales the logits by 1/sqrt(dim) = 1/8 where the core's attention (and the
/// Transformer) uses 1/sqrt(d_head); and LayerNorm eps is PyTorch's 1e-5 as there.
/// Parameters (defaults): 224 + 16 + (64 * 8 (C - 2) * 9 + 64) + 128 + 4 * 64 + 64 * 64
///   + 5 * 64 + 64 + [2 * 128 + (64 * 192 + 192) + (64 * 64 + 64) + (64 * 8 + 8) + (8 * 64 + 64)]
///   + (64 K + K).

#include <torch/arg.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

#include <vector>

#include "core/layers/transformer_block.h"
#include "models/lgest/feature_tokenizer.h"
#include "models/lgest/patch_classifier.h"

namespace moezoo::models::lgest {

struct SSFTTOptions {
  SSFTTOptions(int64_t bands, int64_t patch, int64_t classes) : bands_(bands), patch_(patch), classes_(classes) {}
  /// C >= 3.
  TORCH_ARG(int64_t, bands);
  /// P >= 5.
  TORCH_ARG(int64_t, patch);
  TORCH_ARG(int64_t, classes);
  TORCH_ARG(int64_t, conv3d_channels) = 8;
  TORCH_ARG(int64_t, conv2d_channels) = 64;
  /// L, semantic tokens.
  TORCH_ARG(int64_t, num_tokens) = 4;
  /// Token width.
  TORCH_ARG(int64_t, dim) = 64;
  /// Transformer encoder layers.
  TORCH_ARG(int64_t, depth) = 1;
  TORCH_ARG(int64_t, heads) = 8;
  /// Hidden width of the encoder MLP.
  TORCH_ARG(int64_t, mlp_dim) = 8;
  TORCH_ARG(double, dropout) = 0.1;
  TORCH_ARG(double, emb_dropout) = 0.1;
};

class SSFTT : public PatchClassifier {
 public:
  explicit SSFTT(SSFTTOptions options);

  /// patches: [B, C, P, P] -> logits [B, classes]
  at::Tensor forward(const at::Tensor& patches) override;
  const SSFTTOptions& options() const { return options_; }

 private:
  SSFTTOptions options_;
  torch::nn::Conv3d conv3d_{nullptr};
  torch::nn::BatchNorm3d bn3d_{nullptr};
  torch::nn::Conv2d conv2d_{nullptr};
  torch::nn::BatchNorm2d bn2d_{nullptr};
  FeatureTokenizer tokenizer_{nullptr};
  at::Tensor cls_token_, pos_embedding_;
  torch::nn::Dropout emb_dropout_{nullptr};
  std::vector<core::TransformerBlock> blocks_;
  torch::nn::Linear head_{nullptr};
};

}  // namespace moezoo::models::lgest
