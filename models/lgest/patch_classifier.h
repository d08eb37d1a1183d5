#pragma once
/// The interface every hyperspectral patch model of the LGEST pipeline implements, so
/// that LGEST and its baselines (HybridSN, SSFTT) train and evaluate through one task.
///
/// Input contract: a batch of patches [B, C, P, P] float32 (C spectral bands, after the
/// pipeline's optional PCA; P odd), the centre pixel (P / 2, P / 2) being the one
/// classified; output: logits [B, classes]. A model is built for one (C, P).

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/moe/aux_losses.h"

namespace moezoo::models::lgest {

class PatchClassifier : public torch::nn::Module {
 public:
  /// patches: [B, C, P, P] -> logits [B, classes]
  virtual at::Tensor forward(const at::Tensor& patches) = 0;
  /// Auxiliary losses of the last training-mode forward (reconstruction, MoE
  /// balancing), already multiplied by their coefficients; none by default.
  virtual core::AuxLosses aux_losses() const { return {}; }
  /// Per-sample expert weights of the last forward, [B, E] (zeros for unchosen
  /// experts); undefined for models without experts.
  virtual at::Tensor expert_weights() const { return {}; }
  /// One name per expert, empty without experts.
  virtual std::vector<std::string> expert_names() const { return {}; }
};

/// Trainable scalars of `module` (parameters with requires_grad; buffers such as
/// BatchNorm running statistics are not counted).
int64_t count_parameters(const torch::nn::Module& module);

/// Throws moezoo::Error naming `where` unless patches is [B, bands, patch, patch]
/// floating point with B >= 1.
void check_patches(const at::Tensor& patches, int64_t bands, int64_t patch, const std::string& where);

}  // namespace moezoo::models::lgest
