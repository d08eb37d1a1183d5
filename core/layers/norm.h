#pragma once
/// Normalisation layers chosen by name, as MONAI's `Norm` factory does:
///   layernorm  LayerNorm (Ba, Kiros & Hinton 2016): (x - mean) / sqrt(var + eps) * g + b
///   rmsnorm    RMSNorm (Zhang & Sennrich 2019): x / sqrt(mean(x^2) + eps) * g
/// Both normalise the last dimension of [..., dim].

#include <torch/arg.h>
#include <torch/nn/modules/container/any.h>

#include <string>
#include <utility>
#include <vector>

namespace moezoo::core {

/// The names make_norm accepts.
const std::vector<std::string>& norm_names();

struct NormOptions {
  NormOptions(std::string name, int64_t dim) : name_(std::move(name)), dim_(dim) {}
  /// layernorm or rmsnorm.
  TORCH_ARG(std::string, name);
  /// Size of the normalised (last) dimension.
  TORCH_ARG(int64_t, dim);
  /// 1e-6 as in timm's ViT and in T5/LLaMA (PyTorch's LayerNorm default is 1e-5).
  TORCH_ARG(double, eps) = 1e-6;
  /// Learn the gain (and, for layernorm, the bias).
  TORCH_ARG(bool, elementwise_affine) = true;
};

/// A torch::nn::LayerNorm or a moezoo RMSNorm; its forward maps x: [..., dim] -> [..., dim].
/// Throws moezoo::Error naming the name when it is unknown.
torch::nn::AnyModule make_norm(const NormOptions& options);

}  // namespace moezoo::core
