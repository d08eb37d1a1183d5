/// moezoo-geomoe: graph node classification (GeoMoE and its baselines).
#include <torch/torch.h>

#include <iostream>

#include "core/runtime/checkpoint.h"
#include "core/runtime/config.h"
#include "core/runtime/pipeline_cli.h"
#include "core/runtime/pipeline_verbs.h"
#include "core/runtime/reproducibility.h"
#include "datasets/graph/graph_datasets.h"
#include "models/geomoe/model_registry.h"
#include "pipelines/geomoe/node_classification_task.h"
#include "pipelines/geomoe/node_outputs.h"
#include "pipelines/geomoe/reproduce.h"
#include "pipelines/geomoe/task_builder.h"
#include "core/util/atomic_file.h"

namespace fs = std::filesystem;
using namespace moezoo;

namespace {

/// Predictions of the task's current weights: `csv`, and next to it, for mixture
/// models, gate_vs_curvature.png. Returns the plot's path, or empty.
fs::path write_node_outputs(pipelines::geomoe::NodeClassificationTask& task, const fs::path& csv) {
  auto& model = dynamic_cast<models::geomoe::NodeClassifier&>(task.module());
  const auto device = task.inputs().x.device();
  model.eval();
  torch::NoGradGuard no_grad;
  const at::Tensor logits = task.predict(device);
  const at::Tensor weights = model.expert_weights();
  const at::Tensor curvature =
      task.inputs().node_curvature.defined() ? task.inputs().node_curvature.select(1, 0) : at::Tensor();
  pipelines::geomoe::write_node_predictions_csv(csv, task.graph(), logits, weights, curvature, model.expert_names());
  if (!weights.defined() || !curvature.defined()) return {};
  const fs::path png = csv.parent_path() / "gate_vs_curvature.png";
  pipelines::geomoe::plot_gate_against_curvature(png, weights, curvature, model.expert_names());
  return png;
}

const fs::path kDefaultConfig = fs::path(MOEZOO_SOURCE_DIR) / "configs" / "geomoe" / "cora.yaml";

int train(const runtime::PipelineArgs& args) {
  auto config = runtime::load_run_config(args, kDefaultConfig, args.resume.value_or(fs::path()));
  auto built = pipelines::geomoe::build_task(config, runtime::resolve_data_root(args.data_root));
  const auto run =
      runtime::fit_task(args, config, *built.task, {"moezoo-geomoe", built.model_name, built.dataset_name, ""});
  if (run.result.interrupted) return 130;
  const fs::path& run_dir = run.dir;
  // Per-node outputs of the best weights, and the gate plot in the report.
  runtime::load_weights(run_dir / "best.pt", built.task->module());
  const fs::path plot = write_node_outputs(*built.task, run_dir / "predictions.csv");
  if (!plot.empty()) {
    const fs::path report = run_dir / "report.md";
    write_file_atomically(report, read_file_bytes(report) +
                                      "\n## Gate weight against node curvature (best.pt)\n\n![gate](" +
                                      plot.filename().string() + ")\n\nPer-node predictions and expert weights: "
                                      "[predictions.csv](predictions.csv).\n");
  }
  runtime::print_best_step(std::cout, run.result);
  std::cout << "\nrun: " << run_dir.string() << "  (report.md, metrics.csv, best.pt)\n";
  return 0;
}

/// The checkpoint's task (see runtime::load_checkpoint_task).
auto load_checkpoint_task(const runtime::PipelineArgs& args) {
  return runtime::load_checkpoint_task(args, kDefaultConfig, [&](runtime::Config& config) {
    return pipelines::geomoe::build_task(config, runtime::resolve_data_root(args.data_root));
  });
}

int eval(const runtime::PipelineArgs& args) {
  auto loaded = load_checkpoint_task(args);
  torch::NoGradGuard no_grad;
  for (const auto& [name, value] : loaded.built.task->evaluate(loaded.device)) std::cout << name << " " << value << "\n";
  return 0;
}

int infer(const runtime::PipelineArgs& args) {
  auto loaded = load_checkpoint_task(args);
  const fs::path csv = args.output.empty() ? args.checkpoint.parent_path() / "predictions.csv" : args.output;
  const fs::path plot = write_node_outputs(*loaded.built.task, csv);
  std::cout << "predictions: " << csv.string() << (plot.empty() ? "" : "\ngate plot: " + plot.string()) << "\n";
  return 0;
}

const fs::path kReproduceConfig = fs::path(MOEZOO_SOURCE_DIR) / "configs" / "geomoe" / "reproduce.yaml";

int reproduce(const runtime::PipelineArgs& args) {
  return runtime::run_reproduce_verb(args, kDefaultConfig, kReproduceConfig, pipelines::geomoe::reproduce);
}

int list(const runtime::PipelineArgs&) {
  std::cout << "models:\n" << models::geomoe::graph_models().listing() << "datasets:\n"
            << datasets::graph::graph_datasets().listing();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  runtime::PipelineSpec spec;
  spec.program = "moezoo-geomoe";
  spec.description = "Graph node classification with GeoMoE and its baselines (moezoo).";
  spec.default_config = kDefaultConfig;
  spec.verbs = {{"train", "train a model (writes runs/<model>/<dataset>/<time>/)", train},
                {"eval", "evaluate a checkpoint on the validation and test nodes", eval},
                {"infer", "per-node predictions (and expert weights) of a checkpoint as CSV (--output FILE)", infer},
                {"reproduce",
                 "every model of configs/geomoe/reproduce.yaml on every dataset over 10 seeds or splits: a markdown "
                 "table beside the published numbers (overrides: seeds=2 datasets={cora:cora.yaml} ...)",
                 reproduce},
                {"list", "list the models and datasets", list}};
  return runtime::run_pipeline(spec, argc, argv);
}
