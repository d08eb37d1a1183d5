#pragma once
/// HybridSN (Roy, Krishna, Dubey & Chaudhuri, "HybridSN: Exploring 3-D-2-D CNN Feature
/// Hierarchy for Hyperspectral Image Classification", IEEE GRSL 17(2), 2020), a baseline
/// of the LGEST pipeline. Layer sizes follow the authors' Keras notebook
/// (gokriznastic/HybridSN, Hybrid-Spectral-Net.ipynb):
///   x  [B, 1, C, P, P]
///   -> Conv3d 8@(7,3,3) -> ReLU -> Conv3d 16@(5,3,3) -> ReLU -> Conv3d 32@(3,3,3) -> ReLU
///   -> reshape [B, 32 (C - 12), S, S] -> Conv2d 64@3x3 -> ReLU -> flatten
///   -> Dense 256 -> ReLU -> Dropout 0.4 -> Dense 128 -> ReLU -> Dropout 0.4 -> Dense classes
/// all convolutions "valid", so S = P - 8 (the paper uses 25x25 windows and 30 PCA bands
/// on Indian Pines: 5,122,176 parameters). Adapted to small patches by same_padding,
/// which pads every convolution spatially by 1 (S = P; the spectral axis stays valid).
/// Glorot-uniform weights and zero biases, Keras' defaults.
/// Parameters: 512 + 5,776 + 13,856 + (64 * 32 * (C - 12) * 9 + 64)
///             + (64 S^2 * 256 + 256) + (256 * 128 + 128) + (128 K + K).

#include <torch/arg.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

#include "models/lgest/patch_classifier.h"

namespace moezoo::models::lgest {

struct HybridSNOptions {
  HybridSNOptions(int64_t bands, int64_t patch, int64_t classes) : bands_(bands), patch_(patch), classes_(classes) {}
  /// C >= 13 (the three spectral kernels span 7 + 5 + 3 bands).
  TORCH_ARG(int64_t, bands);
  /// P >= 9 unless same_padding.
  TORCH_ARG(int64_t, patch);
  TORCH_ARG(int64_t, classes);
  TORCH_ARG(double, dropout) = 0.4;
  /// Spatial padding 1 in every convolution (for patches smaller than 9).
  TORCH_ARG(bool, same_padding) = false;
};

class HybridSN : public PatchClassifier {
 public:
  explicit HybridSN(HybridSNOptions options);

  /// patches: [B, C, P, P] -> logits [B, classes]
  at::Tensor forward(const at::Tensor& patches) override;
  /// S, the side of the Conv2d output.
  int64_t feature_side() const;
  const HybridSNOptions& options() const { return options_; }

 private:
  HybridSNOptions options_;
  torch::nn::Conv3d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr};
  torch::nn::Conv2d conv4_{nullptr};
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr}, fc3_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};

}  // namespace moezoo::models::lgest
