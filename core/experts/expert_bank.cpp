#include "core/experts/expert_bank.h"

#include <torch/torch.h>

#include <cmath>

#include "core/util/error.h"

namespace moezoo::core {

ExpertKind parse_expert_kind(const std::string& name, const std::string& key) {
  if (name == "gelu_mlp") return ExpertKind::kGeluMlp;
  if (name == "swiglu") return ExpertKind::kSwiGlu;
  if (name == "low_rank") return ExpertKind::kLowRank;
  throw Error(key + ": unknown expert kind '" + name + "' (expected gelu_mlp, swiglu or low_rank)");
}

std::string to_string(ExpertKind kind) {
  switch (kind) {
    case ExpertKind::kGeluMlp: return "gelu_mlp";
    case ExpertKind::kSwiGlu: return "swiglu";
    case ExpertKind::kLowRank: return "low_rank";
  }
  return "?";
}

ExpertBankImpl::ExpertBankImpl(ExpertBankOptions options_) : options(std::move(options_)) { reset(); }

void ExpertBankImpl::reset() {
  const int64_t E = options.num_experts(), D = options.d_model(), H = options.hidden(), O = d_out();
  check_input(E > 0 && D > 0 && H > 0 && O > 0, "ExpertBank",
              "num_experts, d_model, hidden and d_out must be positive");
  const int64_t H1 = options.kind() == ExpertKind::kSwiGlu ? 2 * H : H;
  // torch::nn::Linear's init: kaiming_uniform(a = sqrt(5)) = U(-1/sqrt(in), 1/sqrt(in)), bias alike.
  auto uniform = [](std::vector<int64_t> shape, int64_t fan_in) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    return torch::empty(shape).uniform_(-bound, bound);
  };
  w1 = register_parameter("w1", uniform({E, D, H1}, D));
  w2 = register_parameter("w2", uniform({E, H, O}, H));
  if (options.bias()) {
    b1 = register_parameter("b1", uniform({E, H1}, D));
    b2 = register_parameter("b2", uniform({E, O}, H));
  } else {
    b1 = at::Tensor();
    b2 = at::Tensor();
  }
}

at::Tensor ExpertBankImpl::activate(const at::Tensor& h) const {
  switch (options.kind()) {
    case ExpertKind::kGeluMlp: return torch::gelu(h);
    case ExpertKind::kSwiGlu: {
      const int64_t H = options.hidden();
      return torch::silu(h.narrow(-1, 0, H)) * h.narrow(-1, H, H);
    }
    case ExpertKind::kLowRank: return h;
  }
  return h;
}

at::Tensor ExpertBankImpl::forward_grouped(const at::Tensor& xs, const std::vector<int64_t>& offsets) {
  check_input(xs.dim() == 2 && xs.size(1) == options.d_model(), "ExpertBank::forward_grouped",
              "xs must be [A, " + std::to_string(options.d_model()) + "]");
  const at::Tensor h = grouped_mm(xs, w1, b1, offsets, options.backend());
  return grouped_mm(activate(h), w2, b2, offsets, options.backend());
}

at::Tensor ExpertBankImpl::forward_all(const at::Tensor& x) {
  check_input(x.dim() == 2 && x.size(1) == options.d_model(), "ExpertBank::forward_all",
              "x must be [T, " + std::to_string(options.d_model()) + "]");
  at::Tensor h = torch::matmul(x, w1);  // [E, T, H1]
  if (b1.defined()) h = h + b1.unsqueeze(1);
  at::Tensor y = torch::bmm(activate(h), w2);  // [E, T, D_out]
  if (b2.defined()) y = y + b2.unsqueeze(1);
  return y;
}

}  // namespace moezoo::core
