#pragma once
/// The steps every pipeline's verbs share around its own task: a pipeline builds its
/// TrainTask from the config (that part is domain code), and these run the rest the
/// same way in every moezoo-<model> executable.
///
///   train      fit_task: train options, unused-key check, run folder, Trainer::fit
///   eval/infer load_checkpoint_config: --checkpoint checked, the run's own config
///   reproduce  run_reproduce_verb: the reproduce config, the pipeline's runner, the table

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <utility>

#include "core/runtime/checkpoint.h"
#include "core/runtime/config.h"
#include "core/runtime/pipeline_cli.h"
#include "core/runtime/trainer.h"

namespace moezoo::runtime {

/// What a training run is: its folder is <out>/<model>/<data>/<time>/.
struct RunDescription {
  std::string program;  ///< "moezoo-lgest", for the log line
  std::string model;
  std::string data;
  std::string title;      ///< report title; empty: "<model> on <data>"
  std::string build_log;  ///< the task builder's lines, printed once the config is checked
};

/// A train verb's outcome.
struct TrainingRun {
  std::filesystem::path dir;  ///< the run folder (config.yaml, metrics.csv, best.pt, report.md)
  TrainOptions options;       ///< as read from the `train` section
  TrainResult result;
};

/// The train verb once the pipeline has built `task` from `config`: the train options
/// from config's `train` section, every key of `config` checked used (a misspelt key is
/// an Error before any training), the run folder (the resumed run's for --resume, else a
/// new one under --out), the build log and one line, then Trainer::fit with --resume.
TrainingRun fit_task(const PipelineArgs& args, Config& config, TrainTask& task, const RunDescription& run);

/// "best step N  name value  name value" (no newline): the best evaluation of a run.
void print_best_step(std::ostream& out, const TrainResult& result);

/// eval / infer: --checkpoint must be given and exist (Errors name the flag); then the
/// checkpoint's run config as load_run_config gives it.
Config load_checkpoint_config(const PipelineArgs& args, const std::filesystem::path& default_config);

/// A checkpoint's task for eval / infer: what the pipeline built from the checkpoint's
/// run config, with the checkpoint's weights, on the configured device, in eval mode.
template <typename Built>
struct CheckpointTask {
  Built built;
  c10::Device device{c10::kCPU};
};

/// load_checkpoint_config, then `build(config)` (the pipeline's builder: a struct whose
/// `task->module()` is the model), then restore_for_inference.
template <typename Build>
auto load_checkpoint_task(const PipelineArgs& args, const std::filesystem::path& default_config, Build&& build)
    -> CheckpointTask<decltype(build(std::declval<Config&>()))> {
  auto config = load_checkpoint_config(args, default_config);
  CheckpointTask<decltype(build(config))> loaded{build(config)};
  loaded.device = restore_for_inference(args.checkpoint, config, loaded.built.task->module());
  return loaded;
}

/// What every pipeline's reproduce returns.
struct ReproduceResult {
  std::filesystem::path dir;  ///< the folder holding results.csv and table.md
  std::string table;          ///< the markdown document
};

/// A pipeline's reproduce: (reproduce config, its folder, data root, --out) -> result.
using ReproduceRunner = std::function<ReproduceResult(const Config& config, const std::filesystem::path& config_dir,
                                                      const std::filesystem::path& data_root,
                                                      const std::filesystem::path& out_root)>;

/// The reproduce verb: load_reproduce_config, `run`, then the table and its path on stdout.
int run_reproduce_verb(const PipelineArgs& args, const std::filesystem::path& default_config,
                       const std::filesystem::path& reproduce_config, const ReproduceRunner& run);

}  // namespace moezoo::runtime
