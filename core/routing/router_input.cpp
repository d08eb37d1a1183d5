#include "core/routing/router_input.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::core {

void check_router_input(const at::Tensor& x, int64_t dim, const std::string& where) {
  check_input(x.defined(), where, "x is undefined");
  check_input(x.dim() == 2 && x.size(1) == dim, where,
              "x must be [T, D=" + std::to_string(dim) + "], got " + c10::str(x.sizes()));
  check_input(at::isFloatingType(x.scalar_type()), where, "x must be floating point");
}

}  // namespace moezoo::core
