#pragma once
/// Options of the Trainer; `train_options_from_config` maps the `train:` section.

#include <torch/arg.h>

#include <cstdint>
#include <string>
#include <vector>

namespace moezoo::runtime {

class Config;

struct TrainOptions {
  // Length: `epochs` passes over the task's batches, or exactly `max_steps`
  // optimizer steps when max_steps > 0.
  TORCH_ARG(int64_t, epochs) = 10;
  TORCH_ARG(int64_t, max_steps) = 0;
  /// Micro-batches whose gradients are summed (and averaged) per optimizer step.
  TORCH_ARG(int64_t, accumulate) = 1;

  // Optimizer: "adamw" (decoupled weight decay), "adam" (weight decay as L2 in the gradient) or "sgd".
  TORCH_ARG(std::string, optimizer) = "adamw";
  TORCH_ARG(double, lr) = 1e-3;
  TORCH_ARG(double, weight_decay) = 0.0;
  /// Parameter-name prefixes weight_decay applies to; empty: every parameter
  /// (core/runtime/optimizer_factory.h).
  TORCH_ARG(std::vector<std::string>, weight_decay_params) = {};
  TORCH_ARG(double, beta1) = 0.9;
  TORCH_ARG(double, beta2) = 0.999;
  TORCH_ARG(double, eps) = 1e-8;
  TORCH_ARG(double, momentum) = 0.9;
  TORCH_ARG(bool, nesterov) = false;

  // Learning-rate schedule: "constant", "cosine" (linear warm-up then cosine to
  // lr * min_lr_ratio) or "step" (multiply by gamma every step_size steps).
  TORCH_ARG(std::string, schedule) = "constant";
  TORCH_ARG(int64_t, warmup_steps) = 0;
  TORCH_ARG(double, min_lr_ratio) = 0.0;
  TORCH_ARG(int64_t, step_size) = 1000;
  TORCH_ARG(double, gamma) = 0.1;

  /// Clip the global gradient norm to this value (0: off).
  TORCH_ARG(double, grad_clip) = 0.0;
  /// Exponential moving average of the weights (0: off); evaluation and best.pt use it.
  TORCH_ARG(double, ema_decay) = 0.0;
  /// bf16 autocast for forward passes on CUDA (ignored on CPU).
  TORCH_ARG(bool, bf16) = false;

  // Validation and early stopping.
  /// Evaluate every this many optimizer steps (0: once per epoch).
  TORCH_ARG(int64_t, eval_every) = 0;
  /// Metric that decides best.pt and early stopping ("" : the first metric evaluate() returns).
  TORCH_ARG(std::string, monitor) = "";
  /// "max" or "min".
  TORCH_ARG(std::string, monitor_mode) = "max";
  /// Stop after this many evaluations without improvement (0: never).
  TORCH_ARG(int64_t, early_stop_patience) = 0;

  // Environment.
  /// "auto" (CUDA when available), "cpu", "cuda" or "cuda:N".
  TORCH_ARG(std::string, device) = "auto";
  /// Intra-op threads (0: LibTorch's default).
  TORCH_ARG(int64_t, threads) = 0;
  TORCH_ARG(uint64_t, seed) = 0;
  /// Deterministic algorithms only (errors where an op has none).
  TORCH_ARG(bool, deterministic) = true;

  // Logging and failure policy.
  /// A plain log line every this many steps when stderr is not a terminal.
  TORCH_ARG(int64_t, log_every) = 50;
  /// Write last.pt every this many steps (0: at evaluations and at the end only).
  TORCH_ARG(int64_t, checkpoint_every) = 0;
  /// On a NaN/Inf loss: "stop" (error naming the step) or "skip" (drop that step's update).
  TORCH_ARG(std::string, nonfinite) = "stop";
  /// Show a progress bar when stderr is a terminal.
  TORCH_ARG(bool, progress) = true;
};

/// Reads every field from `config` (keys relative to it, e.g. config.at("train")),
/// with the defaults above; validates names and ranges.
TrainOptions train_options_from_config(const Config& config);

}  // namespace moezoo::runtime
