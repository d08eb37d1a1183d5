#include "core/layers/mlp.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::core {

MLPImpl::MLPImpl(MLPOptions options) : options(std::move(options)) { reset(); }

int64_t MLPImpl::hidden() const { return options.hidden() > 0 ? options.hidden() : 4 * options.dim(); }

int64_t MLPImpl::out_dim() const { return options.out_dim() > 0 ? options.out_dim() : options.dim(); }

void MLPImpl::reset() {
  check_input(options.dim() > 0, "MLPOptions.dim", "must be positive, got " + std::to_string(options.dim()));
  check_input(options.hidden() >= 0, "MLPOptions.hidden", "must be >= 0 (0 means 4 * dim)");
  check_input(options.out_dim() >= 0, "MLPOptions.out_dim", "must be >= 0 (0 means dim)");
  check_input(options.dropout() >= 0.0 && options.dropout() < 1.0, "MLPOptions.dropout", "must be in [0, 1)");
  gated_ = is_gated_activation(options.activation());
  kind_ = activation_kind(options.activation());
  const int64_t h = hidden();
  fc1 = register_module("fc1", torch::nn::Linear(torch::nn::LinearOptions(options.dim(), gated_ ? 2 * h : h)
                                                     .bias(options.bias())));
  fc2 = register_module("fc2", torch::nn::Linear(torch::nn::LinearOptions(h, out_dim()).bias(options.bias())));
  drop = register_module("drop", torch::nn::Dropout(options.dropout()));
}

at::Tensor MLPImpl::forward(const at::Tensor& x, AuxLosses* /*aux*/) {
  check_input(x.dim() >= 1 && x.size(-1) == options.dim(), "MLP.forward",
              "x must be [..., " + std::to_string(options.dim()) + "], got " + c10::str(x.sizes()));
  at::Tensor h = fc1->forward(x);
  if (gated_) {
    auto halves = h.chunk(2, -1);
    h = apply_activation(kind_, halves[0]) * halves[1];
  } else {
    h = apply_activation(kind_, h);
  }
  return drop->forward(fc2->forward(drop->forward(h)));
}

void MLPImpl::pretty_print(std::ostream& stream) const {
  stream << "moezoo::core::MLP(" << options.dim() << " -> " << hidden() << " -> " << out_dim()
         << ", activation=" << options.activation() << ", dropout=" << options.dropout() << ")";
}

}  // namespace moezoo::core
