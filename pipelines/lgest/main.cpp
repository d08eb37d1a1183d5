/// moezoo-lgest: hyperspectral image classification (LGEST and its baselines).
#include <torch/torch.h>

#include <iostream>

#include "core/report/summary_stats.h"
#include "core/runtime/checkpoint.h"
#include "core/runtime/config.h"
#include "core/runtime/pipeline_cli.h"
#include "core/runtime/pipeline_verbs.h"
#include "core/runtime/reproducibility.h"
#include "core/util/error.h"
#include "datasets/hsi/scene_registry.h"
#include "models/lgest/model_registry.h"
#include "pipelines/lgest/class_map.h"
#include "pipelines/lgest/reproduce.h"
#include "pipelines/lgest/task_builder.h"
#include "pipelines/lgest/test_report.h"

namespace fs = std::filesystem;
using namespace moezoo;

namespace {

const fs::path kDefaultConfig = fs::path(MOEZOO_SOURCE_DIR) / "configs" / "lgest" / "base.yaml";
const fs::path kReproduceConfig = fs::path(MOEZOO_SOURCE_DIR) / "configs" / "lgest" / "reproduce.yaml";

void print_scores(const std::map<std::string, double>& metrics) {
  for (const auto& [name, value] : metrics) std::cout << name << " " << value << "\n";
}

int train(const runtime::PipelineArgs& args) {
  auto config = runtime::load_run_config(args, kDefaultConfig, args.resume.value_or(fs::path()));
  auto built = pipelines::lgest::build_task(config, runtime::resolve_data_root(args.data_root));
  const auto run = runtime::fit_task(
      args, config, *built.task,
      {"moezoo-lgest", built.model_name, built.scene_name,
       built.model_name + " on " + built.scene_name + ", " + built.split_name, built.log});
  if (run.result.interrupted) return 130;

  // The best checkpoint on the test pixels: files beside the run and a report section.
  const auto device = runtime::resolve_device(run.options.device());
  const auto scores = pipelines::lgest::score_checkpoint_on_test(*built.task, run.dir / "best.pt", device);
  pipelines::lgest::write_test_report(run.dir, scores, built.task->data(), built.model_name, "best.pt");
  runtime::print_best_step(std::cout, run.result);
  std::cout << "\ntest_oa " << scores.scores.overall_accuracy << "  test_aa " << scores.scores.average_accuracy
            << "  test_kappa " << scores.scores.kappa << "  (" << scores.confusion.total() << " test pixels)"
            << "\ntraining time " << run.result.seconds << " s"
            << "\nrun: " << run.dir.string() << "  (report.md, metrics.csv, test_metrics.json, best.pt)\n";
  return 0;
}

/// The checkpoint's task (see runtime::load_checkpoint_task).
auto load_checkpoint_task(const runtime::PipelineArgs& args) {
  return runtime::load_checkpoint_task(args, kDefaultConfig, [&](runtime::Config& config) {
    auto built = pipelines::lgest::build_task(config, runtime::resolve_data_root(args.data_root));
    std::cerr << built.log;
    return built;
  });
}

int eval(const runtime::PipelineArgs& args) {
  auto loaded = load_checkpoint_task(args);
  torch::NoGradGuard no_grad;
  auto& task = *loaded.built.task;
  print_scores(task.evaluate(loaded.device));
  const auto scores = task.score(task.data().test_pixels, loaded.device);
  print_scores(pipelines::lgest::test_metrics(scores, task.data().scene.class_names));
  std::cout << "test_pixels " << scores.confusion.total() << "\n";
  return 0;
}

int infer(const runtime::PipelineArgs& args) {
  auto loaded = load_checkpoint_task(args);
  torch::NoGradGuard no_grad;
  auto& task = *loaded.built.task;
  const fs::path dir = args.output.empty() ? args.checkpoint.parent_path() : args.output;
  const at::Tensor prediction = task.classify_scene(loaded.device) + 1;  // scene class ids 1..C
  const auto& data = task.data();
  const at::Tensor labelled = data.scene.labels > 0;
  const double agreement = prediction.eq(data.scene.labels).logical_and(labelled).sum().item<double>() /
                           std::max<double>(1.0, labelled.sum().item<double>());
  const auto files = pipelines::lgest::write_class_map(
      dir, prediction, data.scene.labels, data.scene.class_names,
      loaded.built.model_name + " on " + data.scene.name + " (" + args.checkpoint.filename().string() + ")");
  std::cout << "classified " << prediction.numel() << " pixels (" << data.scene.height() << "x" << data.scene.width()
            << "); agreement with the ground truth on its labelled pixels (train + val + test) "
            << report::format_percent(agreement, 2) << "%\n"
            << "map: " << files.npy.string() << "\n     " << files.map_png.string()
            << "\nground truth: " << files.ground_truth_png.string() << "\nfigure: " << files.figure_png.string()
            << "\n";
  return 0;
}

int reproduce(const runtime::PipelineArgs& args) {
  return runtime::run_reproduce_verb(args, kDefaultConfig, kReproduceConfig, pipelines::lgest::reproduce);
}

int list(const runtime::PipelineArgs&) {
  std::cout << "models:\n"
            << models::lgest::hsi_models().listing() << "scenes:\n"
            << datasets::hsi::hsi_scenes().listing();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  runtime::PipelineSpec spec;
  spec.program = "moezoo-lgest";
  spec.description = "Hyperspectral image classification with LGEST and its baselines HybridSN and SSFTT (moezoo).";
  spec.default_config = kDefaultConfig;
  spec.verbs = {
      {"train",
       "train a model on a scene's training pixels (writes runs/<model>/<scene>/<time>/), then score best.pt "
       "on the test pixels",
       train},
      {"eval", "a checkpoint's OA, AA, kappa and per-class accuracy on the validation and test pixels", eval},
      {"infer",
       "classify every pixel of the scene with a checkpoint: classification_map.npy (int64 [H, W], classes 1..C) and "
       "PNGs (map, ground truth, side-by-side figure with legend) in --output DIR (default: the checkpoint's folder)",
       infer},
      {"reproduce",
       "every model of configs/lgest/reproduce.yaml on every scene and split over 5 seeds: results.csv and a markdown "
       "table of OA/AA/kappa mean ± std (overrides: seeds=1 'scenes={samson: samson.yaml}' ...)",
       reproduce},
      {"list", "list the models and scenes", list}};
  return runtime::run_pipeline(spec, argc, argv);
}
