/// moezoo-m4fuse: 3-D brain tumour segmentation (BraTS regions) with M4Fuse.
#include <torch/torch.h>

#include <iomanip>
#include <iostream>

#include "core/report/number_format.h"
#include "core/runtime/checkpoint.h"
#include "core/runtime/config.h"
#include "core/runtime/pipeline_cli.h"
#include "core/runtime/pipeline_verbs.h"
#include "core/runtime/reproducibility.h"
#include "core/util/error.h"
#include "datasets/mri/case_layouts.h"
#include "datasets/mri/nifti_io.h"
#include "models/m4fuse/m4fuse.h"
#include "pipelines/m4fuse/case_inference.h"
#include "pipelines/m4fuse/case_scores.h"
#include "pipelines/m4fuse/overlay.h"
#include "pipelines/m4fuse/reproduce.h"
#include "pipelines/m4fuse/task_builder.h"

namespace fs = std::filesystem;
using namespace moezoo;
namespace m4 = moezoo::pipelines::m4fuse;
namespace mri = moezoo::datasets::mri;

namespace {

const fs::path kDefaultConfig = fs::path(MOEZOO_SOURCE_DIR) / "configs" / "m4fuse" / "base.yaml";
const fs::path kReproduceConfig = fs::path(MOEZOO_SOURCE_DIR) / "configs" / "m4fuse" / "reproduce.yaml";

void print_means(const std::vector<m4::CaseScore>& scores) {
  const auto mean = m4::mean_score(scores);
  const char* names[] = {"et", "tc", "wt"};
  for (int r = 0; r < mri::kNumRegions; ++r) std::cout << "dice_" << names[r] << " " << mean.regions[r].dice << "\n";
  for (int r = 0; r < mri::kNumRegions; ++r) std::cout << "hd95_" << names[r] << " " << mean.regions[r].hd95 << "\n";
  std::cout << "cases " << scores.size() << "\n";
}

int train(const runtime::PipelineArgs& args) {
  auto config = runtime::load_run_config(args, kDefaultConfig, args.resume.value_or(fs::path()));
  auto built = m4::build_task(config, runtime::resolve_data_root(args.data_root));
  const auto run = runtime::fit_task(
      args, config, *built.task,
      {"moezoo-m4fuse", built.model_name, built.data_name, built.model_name + " on " + built.data_name, built.log});
  if (run.result.interrupted) return 130;

  // best.pt on the validation cases at their original resolution, with HD95.
  auto& task = *built.task;
  const auto device = runtime::resolve_device(run.options.device());
  runtime::load_weights(run.dir / "best.pt", task.module());
  task.module().to(device);
  task.module().eval();
  torch::NoGradGuard no_grad;
  const auto& val = task.data().val;
  const auto scored = m4::score_cases(task, val, device);
  m4::write_scores_csv(run.dir / "per_case_scores.csv", scored.scores);
  std::string overlay;
  if (!val.empty()) {
    overlay = "plots/overlay.png";
    m4::write_overlay(run.dir / overlay, val.front().image[3], scored.first_prediction,
                      val.front().id + ", best.pt (working grid)");
  }
  m4::append_scores_report(
      run.dir, "Validation cases (best.pt, original resolution)", scored.scores,
      std::to_string(val.size()) + " validation case(s) of " + built.data_name + ", predicted on the " +
          report::format_number(task.data().settings.grid.spacing_mm, 3) +
          " mm working grid and restored to each case's own grid before scoring. The overlay shows the first "
          "case on the working grid (FLAIR, z-scored).",
      overlay);
  runtime::print_best_step(std::cout, run.result);
  const auto mean = m4::mean_score(scored.scores);
  std::cout << "\nval (original resolution): dice_et " << mean.regions[0].dice << "  dice_tc " << mean.regions[1].dice
            << "  dice_wt " << mean.regions[2].dice << "  hd95_et " << mean.regions[0].hd95 << "  hd95_tc "
            << mean.regions[1].hd95 << "  hd95_wt " << mean.regions[2].hd95 << "\ntraining time " << run.result.seconds
            << " s\nrun: " << run.dir.string() << "  (report.md, metrics.csv, per_case_scores.csv, best.pt)\n";
  return 0;
}

/// The checkpoint's task (see runtime::load_checkpoint_task); the run's cases only when
/// `with_data`.
auto load_checkpoint_task(const runtime::PipelineArgs& args, bool with_data) {
  return runtime::load_checkpoint_task(args, kDefaultConfig, [&](runtime::Config& config) {
    auto built = m4::build_task(config, runtime::resolve_data_root(args.data_root), with_data);
    // Without data the log is only the model line: left out, so that an input error stays one line.
    if (with_data) std::cerr << built.log;
    return built;
  });
}

int eval(const runtime::PipelineArgs& args) {
  const bool from_input = !args.input.empty();
  auto loaded = load_checkpoint_task(args, !from_input);
  torch::NoGradGuard no_grad;
  auto& task = *loaded.built.task;
  std::vector<m4::CaseScore> scores;
  std::string what = "validation";
  if (from_input) {
    what =
        args.input.filename().empty() ? args.input.parent_path().filename().string() : args.input.filename().string();
    const auto files = m4::find_input_cases(args.input, true, task.data().settings.segmentation);
    for (size_t i = 0; i < files.size(); ++i) {
      const auto c = mri::read_case(files[i]);
      const auto s = m4::segment(task, c, loaded.built.infer_site, loaded.device);
      scores.push_back(m4::score_case(c.id, s.labels, c.label, c.geometry));
      std::cerr << "[" << i + 1 << "/" << files.size() << "] " << c.id << ": dice wt " << scores.back().regions[2].dice
                << " (" << std::fixed << std::setprecision(1) << s.seconds << " s)\n"
                << std::defaultfloat << std::setprecision(6);
    }
  } else {
    check_input(!task.data().val.empty(), "eval", "the run's config has no validation case");
    scores = m4::score_cases(task, task.data().val, loaded.device).scores;
  }
  fs::path csv = args.output;
  if (csv.empty())
    csv = args.checkpoint.parent_path() / ("eval_" + what + "_scores.csv");
  else if (csv.extension() != ".csv")
    csv = csv / "per_case_scores.csv";
  m4::write_scores_csv(csv, scores);
  print_means(scores);
  std::cout << "scores: " << csv.string() << "\n";
  return 0;
}

int infer(const runtime::PipelineArgs& args) {
  check_input(!args.input.empty(), "--input",
              "infer needs --input FOLDER (a case, a folder of cases, an nnU-Net dataset)");
  check_input(!args.output.empty(), "--output", "infer needs --output DIR for the masks");
  auto loaded = load_checkpoint_task(args, false);
  torch::NoGradGuard no_grad;
  auto& task = *loaded.built.task;
  const auto files = m4::find_input_cases(args.input, false);
  fs::create_directories(args.output);
  double total = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const auto c = mri::read_case(files[i]);
    const auto s = m4::segment(task, c, loaded.built.infer_site, loaded.device);
    const fs::path mask = args.output / (c.id + ".nii.gz");
    mri::write_nifti(mask, s.labels, c.geometry, mri::PixelType::kUInt8);
    m4::write_overlay(args.output / (c.id + "_overlay.png"), c.image[static_cast<int>(mri::Modality::kFlair)], s.labels,
                      c.id + ", " + loaded.built.model_name);
    total += s.seconds;
    const auto voxels = s.labels.gt(0).sum().item<int64_t>();
    std::cout << "[" << i + 1 << "/" << files.size() << "] " << c.id << " (" << mri::size_text(c.geometry)
              << "): " << voxels << " tumour voxels, " << std::fixed << std::setprecision(2) << s.seconds << " s -> "
              << mask.string() << "\n"
              << std::defaultfloat << std::setprecision(6);
  }
  std::cout << "segmented " << files.size() << " case(s) in " << total << " s with " << loaded.built.model_name
            << " (site " << loaded.built.infer_site << ", " << at::get_num_threads() << " thread(s))\n";
  return 0;
}

int reproduce(const runtime::PipelineArgs& args) {
  return runtime::run_reproduce_verb(args, kDefaultConfig, kReproduceConfig, m4::reproduce);
}

int list(const runtime::PipelineArgs&) {
  std::cout << "models (M4Fuse variants; parameters with 1 expert, site routing):\n";
  for (const auto& row : m4::variant_parameter_rows())
    std::cout << "  " << std::left << std::setw(6) << row.variant << std::right << std::setw(10) << row.parameters
              << "  (" << row.millions << "M; paper " << row.paper << "M)\n";
  std::cout << "case sources (data.source):\n"
            << "  synthetic  tumours grown in the Colin27 brain ($MOEZOO_DATA/mri/atlas/ch2bet.nii.gz)\n"
            << "  cases      data.root: a case folder, a folder of cases or an nnU-Net dataset; layouts "
               "brats2018, brats2023, tcga, nnunet\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  runtime::PipelineSpec spec;
  spec.program = "moezoo-m4fuse";
  spec.description =
      "3-D brain tumour segmentation (NCR, ED, ET; scored as the BraTS regions ET, TC, WT) with M4Fuse (moezoo).";
  spec.default_config = kDefaultConfig;
  spec.verbs = {
      {"train",
       "train on the configured cases (writes runs/<model>/<data>/<time>/), then score best.pt on the validation "
       "cases at their original resolution: per_case_scores.csv (Dice, HD95 of ET/TC/WT) and a report.md section",
       train},
      {"eval",
       "a checkpoint's Dice and HD95 per case on --input FOLDER (labelled cases, any layout) or on the run's "
       "validation cases; CSV to --output (a .csv file or a folder) or beside the checkpoint",
       eval},
      {"infer",
       "segment every case of --input FOLDER (a case folder, a folder of cases or an nnU-Net dataset; no label "
       "needed) into --output DIR: <id>.nii.gz (uint8 labels 0/1/2/4 on the input's grid) and <id>_overlay.png; "
       "override infer.site=N for the expert of site routing",
       infer},
      {"reproduce",
       "configs/m4fuse/reproduce.yaml: train on synthetic cases, score held-out synthetic cases and the real TCGA "
       "case (against algorithm segmentations), segment the BraTS 2023 case, time whole-volume inference, "
       "compare parameter counts with the paper: table.md",
       reproduce},
      {"list", "the M4Fuse variants with their parameter counts and the case sources", list}};
  return runtime::run_pipeline(spec, argc, argv);
}
