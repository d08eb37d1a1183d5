#include "core/runtime/pipeline_cli.h"

#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "core/runtime/host_memory.h"
#include "core/util/error.h"

namespace moezoo::runtime {

namespace fs = std::filesystem;

fs::path resolve_data_root(const fs::path& from_flag) {
  if (!from_flag.empty()) return from_flag;
  if (const char* env = std::getenv("MOEZOO_DATA"); env && *env) return env;
  return "data";
}

fs::path make_run_dir(const fs::path& out_root, const std::string& model, const std::string& dataset) {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &local);
  const fs::path base = out_root / model / dataset;
  fs::path dir = base / stamp;
  for (int n = 2; fs::exists(dir); ++n) dir = base / (std::string(stamp) + "-" + std::to_string(n));
  fs::create_directories(dir);
  return dir;
}

int run_pipeline(const PipelineSpec& spec, int argc, char** argv) {
  keep_freed_host_memory();
  CLI::App app{spec.description, spec.program};
  app.require_subcommand(1);
  app.footer("Config overrides: trailing key=value words, e.g. train.lr=3e-4 model.router.k=1\n"
             "Data: --data-root, else $MOEZOO_DATA, else ./data");
  PipelineArgs args;
  for (const auto& verb : spec.verbs) {
    CLI::App* sub = app.add_subcommand(verb.name, verb.help);
    sub->add_option("--config,-c", args.config, "YAML config (default: " + spec.default_config.string() + ")");
    sub->add_option("--data-root", args.data_root, "folder with the datasets (default: $MOEZOO_DATA or ./data)");
    sub->add_option("--out", args.out_root, "where runs are written (default: runs)");
    sub->add_option("--checkpoint", args.checkpoint, "checkpoint whose weights eval/infer use (best.pt or last.pt)");
    sub->add_option("--input", args.input, "input file or folder (infer)");
    sub->add_option("--output", args.output, "output file or folder (infer)");
    sub->add_option_function<std::string>("--resume", [&](const std::string& p) { args.resume = fs::path(p); },
                                          "continue the run whose last.pt this is");
    sub->add_option("overrides", args.overrides, "config overrides key=value");
    sub->callback([&args, name = verb.name] { args.verb = name; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (args.config.empty()) args.config = spec.default_config;
  for (const auto& verb : spec.verbs) {
    if (verb.name != args.verb) continue;
    try {
      return verb.run(args);
    } catch (const Error& e) {
      std::cerr << spec.program << ": error: " << e.what() << std::endl;
      return 2;
    } catch (const c10::Error& e) {
      const std::string what = e.what_without_backtrace();
      std::cerr << spec.program << ": internal error: " << what.substr(0, what.find('\n')) << std::endl;
      return 3;
    } catch (const std::exception& e) {
      std::cerr << spec.program << ": error: " << e.what() << std::endl;
      return 3;
    }
  }
  return 1;
}

Config load_run_config(const PipelineArgs& args, const fs::path& default_config, const fs::path& checkpoint) {
  fs::path file = args.config;
  if (!checkpoint.empty() && args.config == default_config && fs::exists(checkpoint.parent_path() / "config.yaml"))
    file = checkpoint.parent_path() / "config.yaml";
  check_input(fs::exists(file), "--config", file.string() + ": not found");
  auto config = Config::load(file);
  config.set_overrides(args.overrides);
  return config;
}

std::pair<Config, fs::path> load_reproduce_config(const PipelineArgs& args, const fs::path& default_config,
                                                  const fs::path& reproduce_config) {
  const fs::path file = args.config == default_config ? reproduce_config : args.config;
  check_input(fs::exists(file), "--config", file.string() + ": not found");
  auto config = Config::load(file);
  config.set_overrides(args.overrides);
  return {std::move(config), file};
}

}  // namespace moezoo::runtime
