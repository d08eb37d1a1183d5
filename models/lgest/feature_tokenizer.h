#pragma once
/// SSFTT's Gaussian-weighted feature tokenizer (Sun, Zhao, Zheng & Wu, "Spectral-Spatial
/// Feature Tokenization Transformer for Hyperspectral Image Classification", IEEE TGRS 60,
/// 2022, section II-B, as in the authors' code zgr6010/HSI_SSFTT, SSFTTnet.py):
///   A = softmax_over_pixels((X W_A^T)^T)     X: [B, N, F], W_A: [L, F] -> A: [B, L, N]
///   T = A (X W_V)                            W_V: [F, D]               -> T: [B, L, D]
/// "Gaussian-weighted" refers to W_A and W_V being drawn from a Gaussian (Xavier normal).

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

namespace moezoo::models::lgest {

struct FeatureTokenizerOptions {
  FeatureTokenizerOptions(int64_t features, int64_t tokens, int64_t dim) : features_(features), tokens_(tokens), dim_(dim) {}
  /// F, channels of each pixel feature.
  TORCH_ARG(int64_t, features);
  /// L, semantic tokens produced.
  TORCH_ARG(int64_t, tokens);
  /// D, token width.
  TORCH_ARG(int64_t, dim);
};

class FeatureTokenizerImpl : public torch::nn::Cloneable<FeatureTokenizerImpl> {
 public:
  explicit FeatureTokenizerImpl(FeatureTokenizerOptions options);
  void reset() override;
  /// x: [B, N, F] -> tokens [B, L, D]
  at::Tensor forward(const at::Tensor& x);

  FeatureTokenizerOptions options;
  at::Tensor token_wA;  ///< [L, F]
  at::Tensor token_wV;  ///< [F, D]
};
TORCH_MODULE(FeatureTokenizer);

}  // namespace moezoo::models::lgest
