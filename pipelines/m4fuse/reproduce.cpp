#include "pipelines/m4fuse/reproduce.h"

#include <torch/torch.h>

#include <chrono>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "core/report/markdown.h"
#include "core/report/number_format.h"
#include "core/report/summary_stats.h"
#include "core/runtime/checkpoint.h"
#include "core/runtime/pipeline_cli.h"
#include "core/runtime/progress.h"
#include "core/runtime/reproducibility.h"
#include "core/runtime/train_options.h"
#include "core/runtime/trainer.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "datasets/mri/case_layouts.h"
#include "datasets/mri/nifti_io.h"
#include "datasets/mri/sliding_window.h"
#include "models/m4fuse/m4fuse.h"
#include "pipelines/m4fuse/case_inference.h"
#include "pipelines/m4fuse/overlay.h"
#include "pipelines/m4fuse/task_builder.h"

namespace moezoo::pipelines::m4fuse {

namespace fs = std::filesystem;
namespace mri = datasets::mri;

namespace {

const std::vector<std::string> kAlgorithms{"hnfnetv1", "isen", "sanet0", "scan", "yixinmpl"};

std::string fixed(double v, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << v;
  return out.str();
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

fs::path require(const fs::path& path) {
  check_input(fs::exists(path), path.string(), "not found (reproduce needs the real MRI data under $MOEZOO_DATA/mri)");
  return path;
}

/// mean ± std of one region's Dice (%) or HD95 (mm) over cases.
std::string mean_std_cell(const std::vector<CaseScore>& scores, int region, bool dice) {
  std::vector<double> v;
  for (const auto& s : scores) v.push_back(dice ? s.regions[region].dice : s.regions[region].hd95);
  const auto m = report::mean_std(v);
  return dice ? report::format_mean_std_percent(v, 1) : fixed(m.mean, 2) + " ± " + fixed(m.std, 2);
}

/// Seconds of sliding-window inference of `w` with `window`, after one untimed warm-up window.
struct Timing {
  double seconds = 0;
  int64_t windows = 0;
  std::array<int64_t, 3> shape{};
};
Timing time_inference(SegmentationTask& task, const WorkingCase& w, const std::array<int64_t, 3>& window,
                      double overlap, const c10::Device& device) {
  mri::SlidingWindowOptions options;
  options.window = window;
  options.overlap = overlap;
  options.batch_size = 1;
  Timing t;
  t.shape = w.shape();
  t.windows = 1;
  for (int a = 0; a < 3; ++a)
    t.windows *= static_cast<int64_t>(mri::window_starts(t.shape[a], window[a], overlap).size());
  auto& model = task.model();
  const at::Tensor site = torch::tensor({w.site}, torch::kLong).to(device);
  model->forward(torch::zeros({1, 4, window[0], window[1], window[2]}).to(device), site);  // warm-up
  const auto start = std::chrono::steady_clock::now();
  const at::Tensor logits = mri::sliding_window_inference(w.image.to(device), options, [&](const at::Tensor& p) {
    return model->forward(p, site.expand({p.size(0)}).contiguous());
  });
  restore_labels(w, torch::softmax(logits, 0).cpu());
  t.seconds = seconds_since(start);
  return t;
}

}  // namespace

std::vector<VariantParameters> variant_parameter_rows() {
  const std::map<std::string, std::string> paper{
      {"tiny", "0.29"}, {"small", "0.63"}, {"base", "1.11"}, {"large", "2.45"}};
  std::vector<VariantParameters> rows;
  for (const auto& v : models::m4fuse::m4fuse_variants()) {
    models::m4fuse::M4Fuse model(models::m4fuse::m4fuse_variant(v));
    VariantParameters row;
    row.variant = v;
    row.parameters = models::m4fuse::count_parameters(*model);
    row.millions = fixed(static_cast<double>(row.parameters) / 1e6, 2);
    row.paper = paper.count(v) ? paper.at(v) : "-";
    rows.push_back(row);
  }
  return rows;
}

ReproduceResult reproduce(const runtime::Config& config, const fs::path& config_dir, const fs::path& data_root,
                          const fs::path& out_root) {
  const fs::path train_file = config_dir / config.get<std::string>("config", "base.yaml");
  check_input(fs::exists(train_file), "config", train_file.string() + ": not found");
  const auto overrides = config.get<std::vector<std::string>>("overrides", {});
  const int64_t test_cases = config.get<int64_t>("test_cases", 10);
  const auto test_seed = static_cast<uint64_t>(config.get<int64_t>("test_seed", 1000));
  const double target = config.get<double>("target_dice_wt", 0.85);
  const bool time_1mm = config.get<bool>("time_1mm", true);
  const auto paper_window = config.get<std::vector<int64_t>>("paper_window", {64, 128, 128});
  const fs::path mri_root = data_root / "mri";
  const fs::path tcga_dir = mri_root / config.get<std::string>("tcga_case", "TCGA-DU-7294");
  const fs::path brats_dir = mri_root / config.get<std::string>("brats2023_case", "BraTS-GLI-00001-000");
  check_input(test_cases >= 1, "test_cases", "must be >= 1");
  check_input(paper_window.size() == 3, "paper_window", "must list 3 sizes");
  config.check_all_keys_used();

  // The real data first: a missing file must not cost a training run.
  require(tcga_dir);
  require(brats_dir);
  auto tcga_files = mri::case_files(tcga_dir, mri::CaseLayout::kTcga, {"mav"});
  for (const auto& f : tcga_files.images) require(f);
  require(tcga_files.label);
  std::vector<std::pair<std::string, fs::path>> references{{"mav (majority vote of the five)", tcga_files.label}};
  for (const auto& a : kAlgorithms) references.emplace_back(a, require(tcga_dir / "segmentation" / (a + "-20.nii.gz")));
  const auto brats_files = mri::case_files(brats_dir, mri::CaseLayout::kBrats2023, {});
  for (const auto& f : brats_files.images) require(f);

  ReproduceResult result;
  result.dir = runtime::make_run_dir(out_root / "reproduce", "m4fuse", "table");
  const auto start = std::chrono::steady_clock::now();

  // a) training.
  auto run_config = runtime::Config::load(train_file);
  run_config.set_overrides(overrides);
  run_config.set_override("train.progress=false");
  check_input(run_config.get<std::string>("data.source", "synthetic") == "synthetic", "overrides",
              "reproduce trains on synthetic cases (data.source=synthetic)");
  auto built = build_task(run_config, data_root);
  const auto options = runtime::train_options_from_config(run_config.at("train"));
  run_config.check_all_keys_used();
  std::cerr << built.log;
  const fs::path run_dir = result.dir / "train";
  runtime::Trainer trainer(options, run_dir, run_config.to_yaml(), built.model_name + " on synthetic cases");
  const auto trained = trainer.fit(*built.task);
  check_input(!trained.interrupted, "reproduce", "interrupted");
  auto& task = *built.task;
  const auto device = runtime::resolve_device(options.device());
  runtime::load_weights(run_dir / "best.pt", task.module());
  task.module().to(device);
  task.module().eval();
  torch::NoGradGuard no_grad;
  const auto& settings = task.data().settings;
  const int threads = at::get_num_threads();
  std::cerr << "moezoo-m4fuse reproduce: trained " << trained.steps << " steps in " << fixed(trained.seconds, 1)
            << " s\n";

  // b) held-out synthetic cases.
  auto test_settings = settings;
  const auto generator = make_synthetic_generator(test_settings, data_root);
  std::vector<CaseScore> test_scores;
  for (int64_t i = 0; i < test_cases; ++i) {
    const auto w = prepare_case(generator.make_case(test_seed, i), settings.grid, settings.site);
    const auto s = segment(task, w, device);
    test_scores.push_back(score_case(w.id, s.labels, w.label, w.geometry));
    if (i == 0) write_overlay(result.dir / "synthetic_overlay.png", w.image[3], s.working, w.id + " (held out)");
  }
  write_scores_csv(result.dir / "test_scores.csv", test_scores);
  std::vector<double> wt;
  for (const auto& s : test_scores) wt.push_back(s.regions[2].dice);
  const double wt_mean = report::mean_std(wt).mean;
  std::cerr << "moezoo-m4fuse reproduce: held-out synthetic Dice WT " << fixed(wt_mean, 3) << "\n";

  // c) the TCGA case against the pseudo-references.
  const auto tcga = mri::read_case(tcga_files);
  const auto tcga_seg = segment(task, tcga, settings.site, device);
  mri::write_nifti(result.dir / (tcga.id + ".nii.gz"), tcga_seg.labels, tcga.geometry, mri::PixelType::kUInt8);
  write_overlay(result.dir / (tcga.id + "_overlay.png"), tcga.image[3], tcga_seg.labels, tcga.id + " (prediction)");
  std::vector<std::vector<std::string>> tcga_rows;
  std::ostringstream tcga_csv;
  tcga_csv << "reference,dice_et,dice_tc,dice_wt,hd95_et,hd95_tc,hd95_wt,reference_has_et\n";
  for (const auto& [name, path] : references) {
    const at::Tensor ref =
        mri::to_brats_labels(mri::read_nifti(path).data, mri::LabelConvention::kBrats2018, path.string());
    const bool has_et = ref.eq(4).any().item<bool>();
    const auto s = score_case(name, tcga_seg.labels, ref, tcga.geometry);
    std::vector<std::string> row{name};
    for (int r = 0; r < 3; ++r)
      row.push_back(r == 0 && !has_et ? "n/a (no ET in reference)" : report::format_percent(s.regions[r].dice, 1));
    for (int r = 0; r < 3; ++r) row.push_back(r == 0 && !has_et ? "n/a" : report::format_number(s.regions[r].hd95, 3));
    tcga_rows.push_back(row);
    tcga_csv << '"' << name << '"';
    for (int r = 0; r < 3; ++r) tcga_csv << ',' << s.regions[r].dice;
    for (int r = 0; r < 3; ++r) tcga_csv << ',' << s.regions[r].hd95;
    tcga_csv << ',' << (has_et ? 1 : 0) << '\n';
  }
  write_file_atomically(result.dir / "tcga_scores.csv", tcga_csv.str());

  // d) the BraTS 2023 case (no reference).
  const auto brats = mri::read_case(brats_files);
  const auto brats_seg = segment(task, brats, settings.site, device);
  mri::write_nifti(result.dir / (brats.id + ".nii.gz"), brats_seg.labels, brats.geometry, mri::PixelType::kUInt8);
  write_overlay(result.dir / (brats.id + "_overlay.png"), brats.image[3], brats_seg.labels,
                brats.id + " (prediction, no reference)");

  // e) timing on the TCGA volume.
  const auto working = prepare_case(tcga, settings.grid, settings.site);
  const Timing t_working = time_inference(task, working, settings.patch, settings.overlap, device);
  Timing t_1mm;
  if (time_1mm) {
    WorkingGridOptions native = settings.grid;
    native.spacing_mm = 1.0;
    const auto at_1mm = prepare_case(tcga, native, settings.site);
    t_1mm = time_inference(task, at_1mm, {paper_window[0], paper_window[1], paper_window[2]}, settings.overlap, device);
  }

  // The table.
  const auto shape_text = [](const std::array<int64_t, 3>& s) {
    return std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" + std::to_string(s[2]);
  };
  report::MarkdownReport md;
  md.add_heading(1, "moezoo-m4fuse reproduce");
  md.add_paragraph(built.model_name + " (" + run_config.get<std::string>("model.routing") + " routing, " +
                   std::to_string(run_config.get<int64_t>("model.num_experts")) + " expert(s)), trained on " +
                   std::to_string(task.data().train.size()) + " synthetic cases (seed " +
                   std::to_string(settings.seed) + ") at " + fixed(settings.grid.spacing_mm, 1) + " mm, patches " +
                   shape_text(settings.patch) + ", batch " + std::to_string(task.settings().batch_size) + ", " +
                   std::to_string(trained.steps) + " steps in " + runtime::format_duration(trained.seconds) + " on " +
                   device.str() + " (" + std::to_string(threads) + " thread(s)); best.pt = step " +
                   std::to_string(trained.best_step) + " (best validation mean Dice). Run: [train/](train/report.md).");
  md.add_heading(2, "Held-out synthetic cases");
  md.add_paragraph(std::to_string(test_cases) + " cases of another generator stream (seed " +
                   std::to_string(test_seed) +
                   "), scored on their own grid: mean ± sample std. Per case: [test_scores.csv](test_scores.csv). "
                   "The generator gives every tissue class fixed intensities plus 2% noise "
                   "(datasets/mri/synthetic_tumor.h), so this shows that training, sliding-window inference and "
                   "scoring work end to end; it says little about real tumours (next section).");
  md.add_table({"region", "Dice (%)", "HD95 (mm)"},
               {{"ET", mean_std_cell(test_scores, 0, true), mean_std_cell(test_scores, 0, false)},
                {"TC", mean_std_cell(test_scores, 1, true), mean_std_cell(test_scores, 1, false)},
                {"WT", mean_std_cell(test_scores, 2, true), mean_std_cell(test_scores, 2, false)}});
  md.add_paragraph(std::string("Target of issue 7: Dice WT >= ") + report::format_percent(target, 0) + "%: **" +
                   (wt_mean >= target ? "met" : "not met") + "** (mean " + report::format_percent(wt_mean, 1) + "%).");
  md.add_image("held-out synthetic case", "synthetic_overlay.png");
  md.add_heading(2, "Real case " + tcga.id + " (TCGA): pseudo-reference (algorithm output, not expert annotation)");
  md.add_paragraph(
      "The prediction ([" + tcga.id + ".nii.gz](" + tcga.id +
      ".nii.gz), on the input's grid) against the segmentations "
      "five published BraTS algorithms made of this case and their majority vote. None is an expert annotation: the "
      "numbers measure agreement with those algorithms, not accuracy. The majority vote has no label 4, so an ET "
      "score against it would be meaningless and is not given. A model trained on synthetic tumours only is not "
      "expected to match them. Per reference: [tcga_scores.csv](tcga_scores.csv).");
  md.add_table(
      {"pseudo-reference", "Dice ET (%)", "Dice TC (%)", "Dice WT (%)", "HD95 ET (mm)", "HD95 TC (mm)", "HD95 WT (mm)"},
      tcga_rows);
  md.add_image(tcga.id + " overlay", tcga.id + "_overlay.png");
  md.add_heading(2, "Real case " + brats.id + " (BraTS 2023, no reference)");
  md.add_paragraph("Predicted mask: [" + brats.id + ".nii.gz](" + brats.id + ".nii.gz) (" +
                   std::to_string(brats_seg.labels.gt(0).sum().item<int64_t>()) + " tumour voxels).");
  md.add_image(brats.id + " overlay", brats.id + "_overlay.png");
  md.add_heading(2, "Whole-volume inference time");
  std::vector<std::vector<std::string>> timing_rows{{fixed(settings.grid.spacing_mm, 1) + " mm (working grid)",
                                                     shape_text(t_working.shape), shape_text(settings.patch),
                                                     std::to_string(t_working.windows), fixed(t_working.seconds, 2)}};
  if (time_1mm)
    timing_rows.push_back({"1.0 mm (native)", shape_text(t_1mm.shape),
                           shape_text({paper_window[0], paper_window[1], paper_window[2]}),
                           std::to_string(t_1mm.windows), fixed(t_1mm.seconds, 2)});
  md.add_paragraph("One " + mri::size_text(tcga.geometry) + " volume (" + tcga.id +
                   ", timing only), cropped to the brain and "
                   "resampled, Gaussian sliding window with overlap " +
                   fixed(settings.overlap, 2) +
                   ", one window per forward, restoration to the original grid included; " + device.str() + ", " +
                   std::to_string(threads) + " thread(s).");
  md.add_table({"grid", "volume (d x h x w)", "window", "windows", "seconds"}, timing_rows);
  md.add_heading(2, "Parameters (1 expert)");
  std::vector<std::vector<std::string>> params;
  for (const auto& row : variant_parameter_rows())
    params.push_back({row.variant, std::to_string(row.parameters), row.millions + "M", row.paper + "M"});
  md.add_table({"variant", "parameters", "moezoo", "paper"}, params);
  md.add_paragraph("Total time " + runtime::format_duration(seconds_since(start)) + ".");
  md.write(result.dir / "table.md");
  result.table = md.str();
  return result;
}

}  // namespace moezoo::pipelines::m4fuse
