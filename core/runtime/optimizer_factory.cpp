#include "core/runtime/optimizer_factory.h"

#include "core/util/error.h"

namespace moezoo::runtime {

namespace {

std::unique_ptr<torch::optim::Optimizer> make(const TrainOptions& o, std::vector<std::vector<at::Tensor>> groups) {
  std::vector<torch::optim::OptimizerParamGroup> param_groups;
  for (auto& params : groups) param_groups.emplace_back(std::move(params));
  if (o.optimizer() == "sgd")
    return std::make_unique<torch::optim::SGD>(
        std::move(param_groups),
        torch::optim::SGDOptions(o.lr()).momentum(o.momentum()).nesterov(o.nesterov()).weight_decay(o.weight_decay()));
  if (o.optimizer() == "adam")
    return std::make_unique<torch::optim::Adam>(
        std::move(param_groups),
        torch::optim::AdamOptions(o.lr()).betas({o.beta1(), o.beta2()}).eps(o.eps()).weight_decay(o.weight_decay()));
  return std::make_unique<torch::optim::AdamW>(
      std::move(param_groups),
      torch::optim::AdamWOptions(o.lr()).betas({o.beta1(), o.beta2()}).eps(o.eps()).weight_decay(o.weight_decay()));
}

/// Sets one group's weight decay after construction: LibTorch 2.x replaces a group's
/// own option with the optimizer's default when it equals the option class's default
/// (weight_decay 0 for Adam and SGD, 0.01 for AdamW), so options given per group at
/// construction do not reliably survive (a test caught an undecayed group decayed).
void set_weight_decay(torch::optim::Optimizer& optimizer, size_t group, const std::string& kind, double value) {
  auto& options = optimizer.param_groups().at(group).options();
  if (kind == "sgd") static_cast<torch::optim::SGDOptions&>(options).weight_decay(value);
  else if (kind == "adam") static_cast<torch::optim::AdamOptions&>(options).weight_decay(value);
  else static_cast<torch::optim::AdamWOptions&>(options).weight_decay(value);
}

}  // namespace

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainOptions& o, torch::nn::Module& module) {
  if (o.weight_decay_params().empty()) return make(o, {module.parameters()});
  std::vector<at::Tensor> decayed, plain;
  std::vector<bool> used(o.weight_decay_params().size(), false);
  std::string names;
  for (const auto& item : module.named_parameters()) {
    names += (names.empty() ? "" : ", ") + item.key();
    bool match = false;
    for (size_t i = 0; i < used.size(); ++i)
      if (item.key().rfind(o.weight_decay_params()[i], 0) == 0) match = used[i] = true;
    (match ? decayed : plain).push_back(item.value());
  }
  for (size_t i = 0; i < used.size(); ++i)
    check_input(used[i], "train.weight_decay_params",
                "'" + o.weight_decay_params()[i] + "' is the start of no parameter name (parameters: " + names + ")");
  const bool has_plain = !plain.empty();
  std::vector<std::vector<at::Tensor>> groups{std::move(decayed)};
  if (has_plain) groups.push_back(std::move(plain));
  auto optimizer = make(o, std::move(groups));
  set_weight_decay(*optimizer, 0, o.optimizer(), o.weight_decay());
  if (has_plain) set_weight_decay(*optimizer, 1, o.optimizer(), 0.0);
  return optimizer;
}

void set_lr(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace moezoo::runtime
