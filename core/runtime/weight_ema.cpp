#include "core/runtime/weight_ema.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::runtime {

namespace {
std::vector<at::Tensor> weights_of(torch::nn::Module& module) {
  std::vector<at::Tensor> out = module.parameters();
  for (auto& b : module.buffers()) out.push_back(b);
  return out;
}
}  // namespace

WeightEma::WeightEma(torch::nn::Module& module, double decay) : decay_(decay) {
  torch::NoGradGuard no_grad;
  for (auto& w : weights_of(module)) shadow_.push_back(w.detach().clone());
}

void WeightEma::update(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  const auto weights = weights_of(module);
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i].is_floating_point()) shadow_[i].mul_(decay_).add_(weights[i].detach(), 1.0 - decay_);
    else shadow_[i].copy_(weights[i]);  // integer buffers (counters) are copied
  }
}

void WeightEma::swap_into(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  auto weights = weights_of(module);
  for (size_t i = 0; i < weights.size(); ++i) {
    at::Tensor current = weights[i].detach().clone();
    weights[i].copy_(shadow_[i]);
    shadow_[i] = current;
  }
}

void WeightEma::save(torch::serialize::OutputArchive& archive) const {
  for (size_t i = 0; i < shadow_.size(); ++i) archive.write("ema_" + std::to_string(i), shadow_[i], /*is_buffer=*/true);
}

void WeightEma::load(torch::serialize::InputArchive& archive) {
  for (size_t i = 0; i < shadow_.size(); ++i) {
    at::Tensor value;
    archive.read("ema_" + std::to_string(i), value, /*is_buffer=*/true);
    check_input(value.sizes() == shadow_[i].sizes(), "checkpoint", "EMA tensor " + std::to_string(i) + " has the wrong shape");
    shadow_[i].copy_(value);
  }
}

}  // namespace moezoo::runtime
