#include "core/layers/activation.h"

#include <torch/torch.h>

#include <utility>

#include "core/util/error.h"

namespace moezoo::core {
namespace {

struct NamedKind {
  const char* name;
  ActivationKind kind;
  bool gated;
};

constexpr NamedKind kActivations[] = {
    {"identity", ActivationKind::identity, false}, {"relu", ActivationKind::relu, false},
    {"gelu", ActivationKind::gelu, false},         {"gelu_tanh", ActivationKind::gelu_tanh, false},
    {"silu", ActivationKind::silu, false},         {"sigmoid", ActivationKind::sigmoid, false},
    {"tanh", ActivationKind::tanh, false},         {"swiglu", ActivationKind::silu, true},
    {"geglu", ActivationKind::gelu, true},         {"reglu", ActivationKind::relu, true},
};

const NamedKind& lookup(const std::string& name) {
  for (const auto& entry : kActivations) {
    if (name == entry.name) return entry;
  }
  std::string known;
  for (const auto& n : activation_names()) known += (known.empty() ? "" : ", ") + n;
  throw Error("activation: unknown name '" + name + "' (expected one of " + known + ")");
}

}  // namespace

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& entry : kActivations) out.emplace_back(entry.name);
    return out;
  }();
  return names;
}

bool is_gated_activation(const std::string& name) { return lookup(name).gated; }

ActivationKind activation_kind(const std::string& name) { return lookup(name).kind; }

at::Tensor apply_activation(ActivationKind kind, const at::Tensor& x) {
  switch (kind) {
    case ActivationKind::identity:
      return x;
    case ActivationKind::relu:
      return at::relu(x);
    case ActivationKind::gelu:
      return at::gelu(x);
    case ActivationKind::gelu_tanh:
      return at::gelu(x, "tanh");
    case ActivationKind::silu:
      return at::silu(x);
    case ActivationKind::sigmoid:
      return at::sigmoid(x);
    case ActivationKind::tanh:
      return at::tanh(x);
  }
  throw std::logic_error("apply_activation: invalid ActivationKind");
}

ActivationImpl::ActivationImpl(ActivationOptions options) : options(std::move(options)) { reset(); }

void ActivationImpl::reset() {
  check_input(!is_gated_activation(options.name()), "activation",
              "'" + options.name() + "' is a gated linear unit; use it as MLPOptions::activation");
  kind_ = activation_kind(options.name());
}

at::Tensor ActivationImpl::forward(const at::Tensor& x) { return apply_activation(kind_, x); }

void ActivationImpl::pretty_print(std::ostream& stream) const {
  stream << "moezoo::core::Activation(" << options.name() << ")";
}

Activation make_activation(const std::string& name) { return Activation(ActivationOptions(name)); }

}  // namespace moezoo::core
