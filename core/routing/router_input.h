#pragma once
/// Input checks shared by the routers.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace moezoo::core {

/// Throws moezoo::Error naming `where` unless x is [T, dim] floating point.
void check_router_input(const at::Tensor& x, int64_t dim, const std::string& where);

}  // namespace moezoo::core
