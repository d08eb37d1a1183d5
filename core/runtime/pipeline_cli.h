#pragma once
/// The command line every `moezoo-<model>` executable shares:
///
///   moezoo-<model> <verb> [--config FILE] [--data-root DIR] [--out DIR]
///                  [--resume last.pt] [--checkpoint best.pt] [key=value ...]
///
/// Verbs are declared by the pipeline (train, eval, infer, reproduce, list); the
/// trailing `key=value` words are config overrides. Errors (moezoo::Error) are
/// printed as one line and give exit code 2.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/runtime/config.h"

namespace moezoo::runtime {

struct PipelineArgs {
  std::string verb;
  std::filesystem::path config;                     ///< --config (empty: the pipeline's default)
  std::filesystem::path data_root;                  ///< --data-root, else $MOEZOO_DATA, else ./data
  std::filesystem::path out_root = "runs";          ///< --out: runs/<model>/<dataset>/<timestamp>/
  std::optional<std::filesystem::path> resume;      ///< --resume: continue a run from its last.pt
  std::filesystem::path checkpoint;                 ///< --checkpoint: weights for eval/infer
  std::filesystem::path input, output;              ///< --input / --output for infer
  std::vector<std::string> overrides;               ///< key=value words
};

struct PipelineVerb {
  std::string name;
  std::string help;
  std::function<int(const PipelineArgs&)> run;
};

struct PipelineSpec {
  std::string program;      ///< "moezoo-geomoe"
  std::string description;  ///< one paragraph for --help
  std::filesystem::path default_config;
  std::vector<PipelineVerb> verbs;
};

/// Parses argv, runs the chosen verb, and turns errors into one-line messages
/// and exit codes (0 ok, 1 usage, 2 bad input, 3 internal error).
int run_pipeline(const PipelineSpec& spec, int argc, char** argv);

/// The config of a run, then the overrides: --config, except that a checkpoint being
/// resumed or evaluated brings its own config.yaml when --config was left at
/// `default_config`. Errors name a missing file.
Config load_run_config(const PipelineArgs& args, const std::filesystem::path& default_config,
                       const std::filesystem::path& checkpoint);

/// The reproduce config, then the overrides: --config, or `reproduce_config` when
/// --config was left at `default_config`. Returns the file too (its folder resolves
/// the dataset files it names).
std::pair<Config, std::filesystem::path> load_reproduce_config(const PipelineArgs& args,
                                                               const std::filesystem::path& default_config,
                                                               const std::filesystem::path& reproduce_config);

/// The data root from --data-root, $MOEZOO_DATA or ./data.
std::filesystem::path resolve_data_root(const std::filesystem::path& from_flag);

/// runs/<model>/<dataset>/<YYYYmmdd-HHMMSS>[-N]/ under `out_root`, created fresh.
std::filesystem::path make_run_dir(const std::filesystem::path& out_root, const std::string& model,
                                   const std::string& dataset);

}  // namespace moezoo::runtime
