#pragma once
/// The optimizer a training run uses, built from TrainOptions.
///
/// optimizer: "adamw" (decoupled weight decay), "adam" (weight decay as an L2 term in
/// the gradient, Kipf & Welling's setup) or "sgd" (momentum, nesterov). weight_decay
/// applies to every parameter, or, when weight_decay_params lists name prefixes, only
/// to the parameters whose names start with one of them (the rest get none): Kipf &
/// Welling's GCN and APPNP decay their first layer only. Then the optimizer has two
/// parameter groups, decayed first.

#include <torch/torch.h>

#include <memory>

#include "core/runtime/train_options.h"

namespace moezoo::runtime {

/// Throws moezoo::Error naming train.weight_decay_params when a prefix matches no
/// parameter of `module` (the message lists the parameter names).
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainOptions& options, torch::nn::Module& module);

/// Sets the learning rate of every parameter group.
void set_lr(torch::optim::Optimizer& optimizer, double lr);

}  // namespace moezoo::runtime
