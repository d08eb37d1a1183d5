#include "core/runtime/checkpoint.h"

#include <torch/torch.h>

#include "core/runtime/reproducibility.h"
#include "core/runtime/train_options.h"
#include "core/runtime/weight_ema.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace moezoo::runtime {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kFormatVersion = 1;

at::Tensor scalar(double v) { return torch::tensor(v, torch::kFloat64); }
at::Tensor scalar(int64_t v) { return torch::tensor(v, torch::kInt64); }

template <typename T>
T read_scalar(torch::serialize::InputArchive& archive, const std::string& key) {
  at::Tensor t;
  archive.read(key, t, /*is_buffer=*/true);
  return t.item<T>();
}

/// Names and shapes of every parameter and buffer, to catch a checkpoint of another model.
std::vector<std::pair<std::string, std::vector<int64_t>>> signature(torch::nn::Module& module) {
  std::vector<std::pair<std::string, std::vector<int64_t>>> out;
  for (const auto& p : module.named_parameters()) out.emplace_back(p.key(), p.value().sizes().vec());
  for (const auto& b : module.named_buffers()) out.emplace_back(b.key(), b.value().sizes().vec());
  return out;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

torch::serialize::InputArchive open_archive(const fs::path& path) {
  check_input(fs::exists(path), path.string(), "checkpoint not found");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path.string());
  } catch (const c10::Error& e) {
    throw Error(path.string() + ": not a readable checkpoint (truncated or corrupt?)");
  }
  return archive;
}

void load_module(torch::serialize::InputArchive& archive, const std::string& key, torch::nn::Module& module,
                 const fs::path& path) {
  const auto expected = signature(module);
  const auto device = module.parameters().empty() ? torch::Device(torch::kCPU) : module.parameters().front().device();
  torch::serialize::InputArchive sub;
  try {
    archive.read(key, sub);
    module.load(sub);
  } catch (const c10::Error& e) {
    std::string what = e.msg();
    throw Error(path.string() + ": '" + key + "' does not match this model (" + what.substr(0, what.find('\n')) + ")");
  }
  const auto loaded = signature(module);
  for (size_t i = 0; i < expected.size(); ++i)
    if (expected[i].second != loaded[i].second)
      throw Error(path.string() + ": parameter '" + expected[i].first + "' has shape " + shape_string(loaded[i].second) +
                  " in the checkpoint but " + shape_string(expected[i].second) + " in this model");
  module.to(device);
}

}  // namespace

void save_checkpoint(const fs::path& path, const CheckpointParts& parts, const TrainProgress& progress,
                     const std::string& config_yaml) {
  torch::serialize::OutputArchive root;
  root.write("format_version", scalar(kFormatVersion), true);

  torch::serialize::OutputArchive model;
  parts.module->save(model);
  root.write("model", model);
  if (parts.optimizer) {
    torch::serialize::OutputArchive optimizer;
    parts.optimizer->save(optimizer);
    root.write("optimizer", optimizer);
  }
  if (parts.ema) {
    torch::serialize::OutputArchive ema;
    parts.ema->save(ema);
    root.write("ema", ema);
  }
  torch::serialize::OutputArchive rng;
  save_rng_state(rng);
  root.write("rng", rng);

  root.write("step", scalar(progress.step), true);
  root.write("best_value", scalar(progress.best_value), true);
  root.write("best_step", scalar(progress.best_step), true);
  root.write("evals_since_best", scalar(progress.evals_since_best), true);
  root.write("skipped_steps", scalar(progress.skipped_steps), true);
  root.write("elapsed_seconds", scalar(progress.elapsed_seconds), true);
  root.write("config", c10::IValue(config_yaml));

  write_atomically(path, [&](const fs::path& tmp) { root.save_to(tmp.string()); });
}

TrainProgress load_checkpoint(const fs::path& path, const CheckpointParts& parts, std::string* config_yaml) {
  auto root = open_archive(path);
  TrainProgress progress;
  try {
    const auto version = read_scalar<int64_t>(root, "format_version");
    check_input(version == kFormatVersion, path.string(),
                "checkpoint format " + std::to_string(version) + ", expected " + std::to_string(kFormatVersion));
    load_module(root, "model", *parts.module, path);
    if (parts.optimizer) {
      torch::serialize::InputArchive optimizer;
      root.read("optimizer", optimizer);
      parts.optimizer->load(optimizer);
    }
    if (parts.ema) {
      torch::serialize::InputArchive ema;
      check_input(root.try_read("ema", ema), path.string(), "has no EMA weights but train.ema_decay > 0");
      parts.ema->load(ema);
    }
    torch::serialize::InputArchive rng;
    root.read("rng", rng);
    load_rng_state(rng);
    progress.step = read_scalar<int64_t>(root, "step");
    progress.best_value = read_scalar<double>(root, "best_value");
    progress.best_step = read_scalar<int64_t>(root, "best_step");
    progress.evals_since_best = read_scalar<int64_t>(root, "evals_since_best");
    progress.skipped_steps = read_scalar<int64_t>(root, "skipped_steps");
    progress.elapsed_seconds = read_scalar<double>(root, "elapsed_seconds");
    if (config_yaml) {
      c10::IValue config;
      root.read("config", config);
      *config_yaml = config.toStringRef();
    }
  } catch (const c10::Error& e) {
    std::string what = e.msg();
    throw Error(path.string() + ": incomplete checkpoint (" + what.substr(0, what.find('\n')) + ")");
  }
  return progress;
}

void load_weights(const fs::path& path, torch::nn::Module& module, bool prefer_ema) {
  auto root = open_archive(path);
  load_module(root, "model", module, path);
  torch::serialize::InputArchive ema_archive;
  if (prefer_ema && root.try_read("ema", ema_archive)) {
    WeightEma ema(module, 0.0);
    ema.load(ema_archive);
    ema.swap_into(module);
  }
}

c10::Device restore_for_inference(const std::filesystem::path& checkpoint, Config& config,
                                  torch::nn::Module& module) {
  const auto options = train_options_from_config(config.at("train"));
  config.check_all_keys_used();
  set_threads(options.threads());
  const c10::Device device = resolve_device(options.device());
  load_weights(checkpoint, module);
  module.to(device);
  module.eval();
  return device;
}

}  // namespace moezoo::runtime
