#include "core/runtime/pipeline_verbs.h"

#include <iostream>

#include "core/runtime/train_options.h"
#include "core/util/error.h"

namespace fs = std::filesystem;

namespace moezoo::runtime {

TrainingRun fit_task(const PipelineArgs& args, Config& config, TrainTask& task, const RunDescription& run) {
  TrainingRun done;
  done.options = train_options_from_config(config.at("train"));
  config.check_all_keys_used();
  done.dir = args.resume ? args.resume->parent_path() : make_run_dir(args.out_root, run.model, run.data);
  std::cerr << run.build_log << run.program << ": training " << run.model << " on " << run.data << " -> "
            << done.dir.string() << "\n";
  const std::string title = run.title.empty() ? run.model + " on " + run.data : run.title;
  Trainer trainer(done.options, done.dir, config.to_yaml(), title);
  done.result = trainer.fit(task, args.resume);
  return done;
}

void print_best_step(std::ostream& out, const TrainResult& result) {
  out << "best step " << result.best_step;
  for (const auto& [name, value] : result.best_metrics) out << "  " << name << " " << value;
}

Config load_checkpoint_config(const PipelineArgs& args, const fs::path& default_config) {
  check_input(!args.checkpoint.empty(), "--checkpoint", args.verb + " needs --checkpoint runs/.../best.pt");
  check_input(fs::exists(args.checkpoint), "--checkpoint", args.checkpoint.string() + ": not found");
  return load_run_config(args, default_config, args.checkpoint);
}

int run_reproduce_verb(const PipelineArgs& args, const fs::path& default_config, const fs::path& reproduce_config,
                       const ReproduceRunner& run) {
  const auto [config, file] = load_reproduce_config(args, default_config, reproduce_config);
  const auto result = run(config, file.parent_path(), resolve_data_root(args.data_root), args.out_root);
  std::cout << result.table << "\ntable: " << (result.dir / "table.md").string() << "\n";
  return 0;
}

}  // namespace moezoo::runtime
