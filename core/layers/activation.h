#pragma once
/// Activations chosen by name, as MONAI's `Act` factory does, so that configs can
/// say `activation: silu`.
///
/// Plain names (usable anywhere): identity, relu, gelu (exact erf form, Hendrycks &
/// Gimpel 2016), gelu_tanh (its tanh approximation, as in BERT/GPT-2), silu (= swish,
/// Elfwing et al. 2018), sigmoid, tanh.
/// Gated names (GLU variants, Shazeer 2020, "GLU Variants Improve Transformer"):
/// swiglu (silu gate), geglu (gelu gate), reglu (relu gate). A gated unit needs two
/// input projections, so only MLP accepts them: act(x W) * (x V).

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

#include <ostream>
#include <string>
#include <vector>

namespace moezoo::core {

enum class ActivationKind { identity, relu, gelu, gelu_tanh, silu, sigmoid, tanh };

/// Every name the factory knows: the plain ones, then the gated ones.
const std::vector<std::string>& activation_names();

/// True for swiglu, geglu, reglu; throws moezoo::Error for an unknown name.
bool is_gated_activation(const std::string& name);

/// The plain activation of `name`: itself for a plain name, the gate's activation
/// for a gated one ("swiglu" -> silu). Throws moezoo::Error naming `name` when unknown.
ActivationKind activation_kind(const std::string& name);

/// Applies `kind` elementwise: x: any shape -> same shape.
at::Tensor apply_activation(ActivationKind kind, const at::Tensor& x);

struct ActivationOptions {
  /* implicit */ ActivationOptions(std::string name = "gelu") : name_(std::move(name)) {}
  /// A plain activation name (a gated one is an error: it belongs in MLPOptions).
  TORCH_ARG(std::string, name);
};

/// A parameter-free activation module selected by name.
class ActivationImpl : public torch::nn::Cloneable<ActivationImpl> {
 public:
  explicit ActivationImpl(ActivationOptions options = {});
  void reset() override;
  /// x: any shape -> same shape.
  at::Tensor forward(const at::Tensor& x);
  void pretty_print(std::ostream& stream) const override;

  ActivationOptions options;

 private:
  ActivationKind kind_ = ActivationKind::gelu;
};
TORCH_MODULE(Activation);

/// MONAI-style factory: make_activation("silu"). Throws moezoo::Error for an unknown
/// or gated name.
Activation make_activation(const std::string& name);

}  // namespace moezoo::core
