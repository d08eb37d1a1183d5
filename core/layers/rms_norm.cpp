#include "core/layers/rms_norm.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::core {

RMSNormImpl::RMSNormImpl(RMSNormOptions options) : options(options) { reset(); }

void RMSNormImpl::reset() {
  check_input(options.dim() > 0, "RMSNormOptions.dim", "must be positive, got " + std::to_string(options.dim()));
  check_input(options.eps() >= 0.0, "RMSNormOptions.eps", "must be non-negative");
  weight = options.elementwise_affine() ? register_parameter("weight", torch::ones({options.dim()})) : at::Tensor();
}

at::Tensor RMSNormImpl::forward(const at::Tensor& x) {
  check_input(x.dim() >= 1 && x.size(-1) == options.dim(), "RMSNorm.forward",
              "x must be [..., " + std::to_string(options.dim()) + "], got " + c10::str(x.sizes()));
  // at::rms_norm is the fused kernel where the backend has one; tests check it against the formula.
  return at::rms_norm(x, {options.dim()}, weight.defined() ? std::optional<at::Tensor>(weight) : std::nullopt,
                      options.eps());
}

void RMSNormImpl::pretty_print(std::ostream& stream) const {
  stream << "moezoo::core::RMSNorm(" << options.dim() << ", eps=" << options.eps()
         << ", elementwise_affine=" << (options.elementwise_affine() ? "true" : "false") << ")";
}

}  // namespace moezoo::core
