#include "core/moe/mmoe.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::core {

MMoEImpl::MMoEImpl(MMoEOptions options_) : options(std::move(options_)) { reset(); }

void MMoEImpl::reset() {
  const auto& o = options;
  check_input(o.d_model() > 0 && o.hidden() > 0 && o.num_experts() > 0 && o.num_tasks() > 0, "MMoE",
              "d_model, hidden, num_experts and num_tasks must be positive");
  if (o.expert_factory()) {
    auto bank = HeterogeneousExperts(HeterogeneousExpertsOptions(o.num_experts(), o.d_model(), d_out(), o.expert_factory()));
    experts = bank.ptr();
    register_module("experts", bank.ptr());
  } else {
    auto bank = ExpertBank(
        ExpertBankOptions(o.num_experts(), o.d_model(), o.hidden()).d_out(d_out()).kind(o.expert_kind()).bias(o.expert_bias()));
    experts = bank.ptr();
    register_module("experts", bank.ptr());
  }
  gates.clear();
  for (int64_t k = 0; k < o.num_tasks(); ++k)
    gates.push_back(register_module("gate" + std::to_string(k),
                                    torch::nn::Linear(torch::nn::LinearOptions(o.d_model(), o.num_experts()).bias(o.gate_bias()))));
}

at::Tensor MMoEImpl::gate_probs(const at::Tensor& x) {
  const int64_t D = options.d_model();
  check_input(x.defined() && x.dim() >= 1 && x.size(-1) == D, "MMoE.forward", "x must be [..., " + std::to_string(D) + "]");
  std::vector<at::Tensor> probs;
  for (auto& gate : gates) probs.push_back(torch::softmax(gate(x), -1));
  return torch::stack(probs, -2);
}

std::vector<at::Tensor> MMoEImpl::forward(const at::Tensor& x) {
  const int64_t D = options.d_model(), K = options.num_tasks();
  check_input(x.defined() && x.dim() >= 1 && x.size(-1) == D, "MMoE.forward", "x must be [..., " + std::to_string(D) + "]");
  const at::Tensor tokens = x.reshape({-1, D});
  const at::Tensor g = gate_probs(tokens);                            // [T, K, E]
  const at::Tensor y = experts->forward_all(tokens).transpose(0, 1);  // [T, E, D_out]
  const at::Tensor mixed = torch::bmm(g, y);                          // [T, K, D_out]
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
  shape.back() = d_out();
  std::vector<at::Tensor> outs;
  for (int64_t k = 0; k < K; ++k) outs.push_back(mixed.select(1, k).reshape(shape));
  return outs;
}

}  // namespace moezoo::core
