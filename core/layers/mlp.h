#pragma once
/// The position-wise feed-forward network of the Transformer (Vaswani et al. 2017,
/// eq. 2) with a selectable activation, in timm's `Mlp` order:
///   y = Dropout(W2 Dropout(act(W1 x + b1)) + b2)
/// With a gated activation (swiglu, geglu, reglu; Shazeer 2020) W1 produces two
/// halves [gate | value] and the hidden is act(gate) * value.
///
/// It implements core::FeedForward so that a transformer block holds an MLP or an MoE
/// layer through the same slot; a dense MLP reports no auxiliary loss. (FeedForward is
/// an abstract torch::nn::Module, so MLPImpl is not Cloneable.)

#include <torch/arg.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <ostream>
#include <string>

#include "core/layers/activation.h"
#include "core/moe/feed_forward.h"

namespace moezoo::core {

struct MLPOptions {
  /* implicit */ MLPOptions(int64_t dim) : dim_(dim) {}
  /// Input features D.
  TORCH_ARG(int64_t, dim);
  /// Hidden units H; 0 means 4 * dim. For a gated activation W1 has 2 * H outputs.
  TORCH_ARG(int64_t, hidden) = 0;
  /// Output features; 0 means dim (the FeedForward contract needs out_dim == dim).
  TORCH_ARG(int64_t, out_dim) = 0;
  /// A name from activation_names(), plain or gated.
  TORCH_ARG(std::string, activation) = "gelu";
  /// Dropout after the activation and after W2 (timm's drop1/drop2).
  TORCH_ARG(double, dropout) = 0.0;
  TORCH_ARG(bool, bias) = true;
};

class MLPImpl : public FeedForward {
 public:
  explicit MLPImpl(MLPOptions options);
  /// (Re)creates the layers from `options`.
  void reset();
  /// x: [..., dim] -> [..., out_dim]; a dense MLP adds nothing to *aux. (One forward
  /// with a default argument, not two overloads, so that the MLP holder's operator()
  /// can find it.)
  at::Tensor forward(const at::Tensor& x, AuxLosses* aux = nullptr) override;
  void pretty_print(std::ostream& stream) const override;

  /// Hidden units actually used (hidden, or 4 * dim).
  int64_t hidden() const;
  /// Output features actually used (out_dim, or dim).
  int64_t out_dim() const;

  MLPOptions options;
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  torch::nn::Dropout drop{nullptr};

 private:
  ActivationKind kind_ = ActivationKind::gelu;
  bool gated_ = false;
};
TORCH_MODULE(MLP);

}  // namespace moezoo::core
