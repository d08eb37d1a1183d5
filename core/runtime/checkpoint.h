#pragma once
/// Training checkpoints (last.pt, best.pt): model, optimizer, EMA, RNG states,
/// step, early-stopping state and the resolved config, written to a temporary
/// file and renamed so that an interruption never leaves a broken checkpoint.

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <filesystem>
#include <string>

#include "core/runtime/config.h"

namespace moezoo::runtime {

class WeightEma;

/// Everything besides tensors that a resumed run needs.
struct TrainProgress {
  int64_t step = 0;                 ///< optimizer steps finished
  double best_value = 0.0;          ///< best monitored metric so far
  int64_t best_step = -1;           ///< step of best_value (-1: none yet)
  int64_t evals_since_best = 0;     ///< for early stopping
  int64_t skipped_steps = 0;        ///< non-finite steps skipped
  double elapsed_seconds = 0.0;     ///< training time before this segment
};

struct CheckpointParts {
  torch::nn::Module* module = nullptr;
  torch::optim::Optimizer* optimizer = nullptr;  ///< may be null (inference)
  WeightEma* ema = nullptr;                      ///< may be null
};

/// Writes a checkpoint atomically (with the current RNG states).
void save_checkpoint(const std::filesystem::path& path, const CheckpointParts& parts, const TrainProgress& progress,
                     const std::string& config_yaml);

/// Restores `parts` and the RNG states from `path`; returns the progress. Errors
/// name the file (missing, corrupt, or a model whose parameters do not match).
TrainProgress load_checkpoint(const std::filesystem::path& path, const CheckpointParts& parts,
                              std::string* config_yaml = nullptr);

/// Loads only weights for evaluation or inference: the EMA weights when the
/// checkpoint has them (and `prefer_ema`), otherwise the trained weights.
void load_weights(const std::filesystem::path& path, torch::nn::Module& module, bool prefer_ema = true);

/// Readies a checkpoint's module for eval or infer: applies the run config's
/// `train.threads` and `train.device`, checks that every config key was used, loads
/// the weights (load_weights), moves the module to the device and puts it in eval
/// mode. Returns the device.
c10::Device restore_for_inference(const std::filesystem::path& checkpoint, Config& config,
                                  torch::nn::Module& module);

}  // namespace moezoo::runtime
