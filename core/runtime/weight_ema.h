#pragma once
/// Exponential moving average of a module's parameters (and a copy of its
/// buffers): ema = decay * ema + (1 - decay) * weight after every optimizer step.

#include <torch/nn/module.h>
#include <torch/serialize/archive.h>

#include <vector>

namespace moezoo::runtime {

class WeightEma {
 public:
  WeightEma(torch::nn::Module& module, double decay);

  /// Folds the module's current weights into the average.
  void update(torch::nn::Module& module);
  /// Swaps the averaged weights into the module (call again to swap back).
  void swap_into(torch::nn::Module& module);

  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);

 private:
  double decay_;
  std::vector<at::Tensor> shadow_;  // parameters then buffers, in module order
};

/// Swaps the EMA weights in for the lifetime of the guard (no-op when ema is null).
class EmaSwapGuard {
 public:
  EmaSwapGuard(WeightEma* ema, torch::nn::Module& module) : ema_(ema), module_(module) {
    if (ema_) ema_->swap_into(module_);
  }
  ~EmaSwapGuard() {
    if (ema_) ema_->swap_into(module_);
  }
  EmaSwapGuard(const EmaSwapGuard&) = delete;
  EmaSwapGuard& operator=(const EmaSwapGuard&) = delete;

 private:
  WeightEma* ema_;
  torch::nn::Module& module_;
};

}  // namespace moezoo::runtime
