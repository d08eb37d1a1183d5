#pragma once
/// What a pipeline hands the Trainer: the module, its batches and its metrics.

#include <c10/core/Device.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <map>
#include <string>

#include "core/moe/aux_losses.h"

namespace moezoo::runtime {

struct StepResult {
  /// The task loss (0-d); the trainer adds aux.total() to it.
  at::Tensor loss;
  /// Auxiliary losses the modules reported, each logged under its own name.
  core::AuxLosses aux;
  /// Extra training metrics for this batch (e.g. accuracy), averaged over a log window.
  std::map<std::string, double> metrics;
};

class TrainTask {
 public:
  virtual ~TrainTask() = default;

  /// The trained module: its parameters are optimised, its state checkpointed.
  virtual torch::nn::Module& module() = 0;

  /// Batches in one epoch.
  virtual int64_t batches_per_epoch() const = 0;

  /// Forward pass on training batch `index` of `epoch`. Which samples form the
  /// batch must depend only on (epoch, index) -- e.g. a permutation seeded by
  /// seed + epoch -- so that a resumed run sees the same batches.
  virtual StepResult train_batch(int64_t epoch, int64_t index, const c10::Device& device) = 0;

  /// Validation metrics; called in eval mode under NoGradGuard.
  virtual std::map<std::string, double> evaluate(const c10::Device& device) = 0;
};

}  // namespace moezoo::runtime
