#include "core/experts/heterogeneous_experts.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::core {

HeterogeneousExpertsImpl::HeterogeneousExpertsImpl(HeterogeneousExpertsOptions options_)
    : options(std::move(options_)) {
  reset();
}

void HeterogeneousExpertsImpl::reset() {
  check_input(options.num_experts() > 0, "HeterogeneousExperts", "num_experts must be positive");
  check_input(static_cast<bool>(options.factory()), "HeterogeneousExperts", "factory must be set");
  experts.clear();
  for (int64_t e = 0; e < options.num_experts(); ++e) {
    torch::nn::AnyModule expert = options.factory()(e);
    check_input(!expert.is_empty(), "HeterogeneousExperts", "factory returned no module for expert " + std::to_string(e));
    register_module("expert" + std::to_string(e), expert.ptr());
    experts.push_back(std::move(expert));
  }
}

at::Tensor HeterogeneousExpertsImpl::run_expert(int64_t e, const at::Tensor& x) {
  at::Tensor y = experts.at(e).forward(x);
  check_input(y.dim() == 2 && y.size(0) == x.size(0) && y.size(1) == options.d_out(), "HeterogeneousExperts",
              "expert " + std::to_string(e) + " must map [n, D] to [n, " + std::to_string(options.d_out()) +
                  "], got " + std::to_string(y.dim()) + "-d output");
  return y;
}

at::Tensor HeterogeneousExpertsImpl::forward_grouped(const at::Tensor& xs, const std::vector<int64_t>& offsets) {
  check_input(xs.dim() == 2 && xs.size(1) == options.d_model(), "HeterogeneousExperts::forward_grouped",
              "xs must be [A, " + std::to_string(options.d_model()) + "]");
  check_input(static_cast<int64_t>(offsets.size()) == options.num_experts() + 1 && offsets.back() == xs.size(0),
              "HeterogeneousExperts::forward_grouped", "offsets must hold E + 1 entries ending at A");
  std::vector<at::Tensor> parts;
  for (int64_t e = 0; e < options.num_experts(); ++e) {
    const int64_t n = offsets[e + 1] - offsets[e];
    if (n > 0) parts.push_back(run_expert(e, xs.narrow(0, offsets[e], n)));
  }
  if (parts.empty()) return at::zeros({0, options.d_out()}, xs.options());
  return at::cat(parts, 0);
}

at::Tensor HeterogeneousExpertsImpl::forward_all(const at::Tensor& x) {
  check_input(x.dim() == 2 && x.size(1) == options.d_model(), "HeterogeneousExperts::forward_all",
              "x must be [T, " + std::to_string(options.d_model()) + "]");
  std::vector<at::Tensor> outs;
  for (int64_t e = 0; e < options.num_experts(); ++e) outs.push_back(run_expert(e, x));
  return at::stack(outs, 0);
}

}  // namespace moezoo::core
