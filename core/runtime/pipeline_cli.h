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

/// The data root from --data-root, $MOEZOO_DATA or ./data.
std::filesystem::path resolve_data_root(const std::filesystem::path& from_flag);

/// runs/<model>/<dataset>/<YYYYmmdd-HHMMSS>[-N]/ under `out_root`, created fresh.
std::filesystem::path make_run_dir(const std::filesystem::path& out_root, const std::string& model,
                                   const std::string& dataset);

}  // namespace moezoo::runtime
