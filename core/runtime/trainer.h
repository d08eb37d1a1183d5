#pragma once
/// The training loop every pipeline uses: optimizer and schedule, gradient
/// accumulation and clipping, EMA, bf16 autocast on CUDA, evaluation with
/// best.pt and early stopping, checkpoints with exact resume, metrics.csv,
/// progress output and report.md.

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/runtime/train_options.h"
#include "core/runtime/train_task.h"

namespace moezoo::runtime {

struct TrainResult {
  int64_t steps = 0;                          ///< optimizer steps finished
  int64_t best_step = -1;                     ///< step of the best evaluation
  std::map<std::string, double> best_metrics; ///< evaluation metrics at best_step
  std::map<std::string, double> last_metrics; ///< metrics of the final evaluation
  bool stopped_early = false;
  bool interrupted = false;  ///< SIGINT or stop_after_steps: last.pt holds the state to resume
  double seconds = 0.0;      ///< training time of this run, resumed segments included
};

class Trainer {
 public:
  /// `run_dir` receives config.yaml, metrics.csv, last.pt, best.pt and report.md.
  Trainer(TrainOptions options, std::filesystem::path run_dir, std::string config_yaml, std::string title = "moezoo run");

  /// Trains `task` to the end. With `resume`, restores that checkpoint first and
  /// continues; the result equals an uninterrupted run bit for bit (same device,
  /// threads and determinism). `stop_after_steps` > 0 stops (as an interruption
  /// would) once that many steps are done, after writing last.pt.
  TrainResult fit(TrainTask& task, const std::optional<std::filesystem::path>& resume = std::nullopt,
                  int64_t stop_after_steps = 0);

  /// Total optimizer steps for a task with `batches_per_epoch` batches.
  int64_t total_steps(int64_t batches_per_epoch) const;

  const std::filesystem::path& run_dir() const { return run_dir_; }

 private:
  TrainOptions options_;
  std::filesystem::path run_dir_;
  std::string config_yaml_;
  std::string title_;
};

}  // namespace moezoo::runtime
