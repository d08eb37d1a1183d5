#pragma once
/// A small regression task for trainer tests: an MLP with dropout (so the RNG
/// stream matters) on fixed synthetic data, batches from an epoch-seeded permutation.

#include <torch/torch.h>

#include <limits>

#include "core/runtime/train_task.h"

namespace moezoo::testing {

struct ToyNetImpl : torch::nn::Module {
  ToyNetImpl() {
    fc1 = register_module("fc1", torch::nn::Linear(8, 32));
    drop = register_module("drop", torch::nn::Dropout(0.2));
    fc2 = register_module("fc2", torch::nn::Linear(32, 1));
  }
  at::Tensor forward(const at::Tensor& x) { return fc2(drop(torch::relu(fc1(x)))); }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  torch::nn::Dropout drop{nullptr};
};
TORCH_MODULE(ToyNet);

class ToyTask : public runtime::TrainTask {
 public:
  /// `poison_batch`: a global batch number whose loss is made NaN (-1: none).
  explicit ToyTask(uint64_t seed = 1, int64_t poison_batch = -1) : poison_batch_(poison_batch) {
    torch::manual_seed(seed);
    net_ = ToyNet();
    auto gen = at::make_generator<at::CPUGeneratorImpl>(1234);
    x_ = torch::randn({96, 8}, gen);
    y_ = torch::tanh(x_.matmul(0.5 * torch::randn({8, 1}, gen))) + 0.05 * torch::randn({96, 1}, gen);
  }
  torch::nn::Module& module() override { return *net_; }
  int64_t batches_per_epoch() const override { return 6; }
  runtime::StepResult train_batch(int64_t epoch, int64_t index, const c10::Device& device) override {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(100 + epoch);
    auto order = torch::randperm(96, gen);
    auto rows = order.slice(0, index * 16, (index + 1) * 16);
    runtime::StepResult r;
    r.loss = torch::mse_loss(net_->forward(x_.index_select(0, rows).to(device)), y_.index_select(0, rows).to(device));
    r.aux.add("l2", 1e-4 * net_->fc1->weight.pow(2).sum());
    if (epoch * batches_per_epoch() + index == poison_batch_) r.loss = r.loss * std::numeric_limits<double>::quiet_NaN();
    r.metrics["mae"] = (net_->forward(x_.index_select(0, rows)) - y_.index_select(0, rows)).abs().mean().item<double>();
    return r;
  }
  std::map<std::string, double> evaluate(const c10::Device& device) override {
    const double mse = torch::mse_loss(net_->forward(x_.to(device)), y_.to(device)).item<double>();
    return {{"mse", mse}, {"score", -mse}};
  }
  ToyNet net_{nullptr};

 private:
  at::Tensor x_, y_;
  int64_t poison_batch_;
};

/// Concatenation of every parameter, for bitwise comparisons.
inline at::Tensor flat_parameters(torch::nn::Module& m) {
  std::vector<at::Tensor> parts;
  for (auto& p : m.parameters()) parts.push_back(p.detach().flatten());
  return torch::cat(parts);
}

}  // namespace moezoo::testing
