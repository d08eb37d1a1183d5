#include "core/layers/norm.h"

#include <torch/torch.h>

#include "core/layers/rms_norm.h"
#include "core/util/error.h"

namespace moezoo::core {

const std::vector<std::string>& norm_names() {
  static const std::vector<std::string> names = {"layernorm", "rmsnorm"};
  return names;
}

torch::nn::AnyModule make_norm(const NormOptions& options) {
  check_input(options.dim() > 0, "norm", "dim must be positive, got " + std::to_string(options.dim()));
  if (options.name() == "layernorm") {
    return torch::nn::AnyModule(torch::nn::LayerNorm(torch::nn::LayerNormOptions({options.dim()})
                                                         .eps(options.eps())
                                                         .elementwise_affine(options.elementwise_affine())));
  }
  if (options.name() == "rmsnorm") {
    return torch::nn::AnyModule(
        RMSNorm(RMSNormOptions(options.dim()).eps(options.eps()).elementwise_affine(options.elementwise_affine())));
  }
  throw Error("norm: unknown name '" + options.name() + "' (expected one of layernorm, rmsnorm)");
}

}  // namespace moezoo::core
