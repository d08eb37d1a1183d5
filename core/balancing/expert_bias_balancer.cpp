#include "core/balancing/expert_bias_balancer.h"

#include <torch/torch.h>

#include "core/balancing/assignments.h"
#include "core/util/error.h"

namespace moezoo::core {

at::Tensor find_expert_bias(const torch::nn::Module& router) {
  const auto buffers = router.named_buffers(/*recurse=*/false);
  const at::Tensor* bias = buffers.find("expert_bias");
  return bias ? *bias : at::Tensor();
}

ExpertBiasBalancer::ExpertBiasBalancer(at::Tensor expert_bias, ExpertBiasBalancerOptions options)
    : bias_(std::move(expert_bias)), options_(options) {
  check_input(bias_.defined() && bias_.dim() == 1, "ExpertBiasBalancer", "expert_bias must be a [E] tensor");
  check_input(options_.rate() >= 0, "ExpertBiasBalancer.rate", "must be >= 0, got " + std::to_string(options_.rate()));
  load_ = at::zeros({bias_.size(0)}, bias_.options().dtype(at::kLong));
}

void ExpertBiasBalancer::observe(const Routing& routing) {
  check_input(
      routing.num_experts == bias_.size(0), "ExpertBiasBalancer.observe",
      "routing has " + std::to_string(routing.num_experts) + " experts, the bias " + std::to_string(bias_.size(0)));
  observe_load(assignment_counts(routing));
}

void ExpertBiasBalancer::observe_load(const at::Tensor& tokens_per_expert) {
  check_input(tokens_per_expert.dim() == 1 && tokens_per_expert.size(0) == bias_.size(0),
              "ExpertBiasBalancer.observe_load", "tokens_per_expert must be [E=" + std::to_string(bias_.size(0)) + "]");
  load_ += tokens_per_expert.detach().to(load_.device(), at::kLong);
  observed_ = true;
}

void ExpertBiasBalancer::step() {
  if (!observed_) return;
  torch::NoGradGuard no_grad;
  const at::Tensor load = load_.to(at::kDouble);
  bias_.add_((options_.rate() * (load.mean() - load).sign()).to(bias_.scalar_type()));
  load_.zero_();
  observed_ = false;
}

}  // namespace moezoo::core
