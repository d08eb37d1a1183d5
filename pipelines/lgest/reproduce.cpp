#include "pipelines/lgest/reproduce.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <sstream>

#include "core/report/csv.h"
#include "core/report/markdown.h"
#include "core/report/summary_stats.h"
#include "core/runtime/config_sections.h"
#include "core/runtime/pipeline_cli.h"
#include "core/runtime/progress.h"
#include "core/runtime/reproducibility.h"
#include "core/runtime/reused_runs.h"
#include "core/runtime/train_options.h"
#include "core/runtime/trainer.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "pipelines/lgest/task_builder.h"
#include "pipelines/lgest/test_report.h"

namespace moezoo::pipelines::lgest {

namespace fs = std::filesystem;

namespace {

struct RunResult {
  int64_t seed = 0;
  double oa = 0, aa = 0, kappa = 0, val_oa = 0, seconds = 0;
  int64_t best_step = 0;
  std::vector<double> per_class;
};

/// What one (scene, split) cell group knows besides its runs.
struct GroupInfo {
  std::string split_name;  ///< the split as the data layer describes it
  std::vector<std::string> class_names;
};

std::vector<double> finite(const std::vector<double>& values) {
  std::vector<double> out;
  for (double v : values)
    if (std::isfinite(v)) out.push_back(v);
  return out;
}

/// A run of an earlier results.csv (see core/runtime/reused_runs.h); the class names
/// come back from its per_class column ("name=value;name=value").
RunResult reused_run(const runtime::ReusedRuns::Row& row, int64_t seed, const std::string& where, GroupInfo& info) {
  RunResult run;
  run.seed = seed;
  run.oa = runtime::reused_number(row, "test_oa", where);
  run.aa = runtime::reused_number(row, "test_aa", where);
  run.kappa = runtime::reused_number(row, "test_kappa", where);
  run.val_oa = runtime::reused_number(row, "val_oa", where);
  run.best_step = static_cast<int64_t>(runtime::reused_number(row, "best_step", where));
  run.seconds = runtime::reused_number(row, "seconds", where);
  std::vector<std::string> names;
  std::stringstream classes(runtime::reused_text(row, "per_class", where));
  for (std::string item; std::getline(classes, item, ';');) {
    const size_t eq = item.rfind('=');
    check_input(eq != std::string::npos, where, "per_class entry '" + item + "' is not name=value");
    names.push_back(item.substr(0, eq));
    run.per_class.push_back(runtime::number_from_text(item.substr(eq + 1), where + ", per_class"));
  }
  if (info.class_names.empty()) info = {runtime::reused_text(row, "split_description", where), names};
  check_input(names == info.class_names, where,
              "per_class names differ from the other runs of this scene and split (a class name with ';'?)");
  return run;
}

}  // namespace

ReproduceResult reproduce(const runtime::Config& config, const fs::path& config_dir, const fs::path& data_root,
                          const fs::path& out_root) {
  const int64_t seeds = config.get<int64_t>("seeds", 5);
  check_input(seeds >= 1, "seeds", "must be at least 1");
  const auto scenes = runtime::config_children(config, "scenes");
  const auto splits = runtime::config_children(config, "splits");
  const auto models = runtime::config_children(config, "models");
  check_input(!scenes.empty(), "scenes", "names no scene");
  check_input(!splits.empty(), "splits", "names no split");
  check_input(!models.empty(), "models", "names no model");
  const auto common = config.get<std::vector<std::string>>("overrides", {});
  std::map<std::string, fs::path> scene_files;
  for (const auto& s : scenes) {
    scene_files[s] = config_dir / config.get<std::string>("scenes." + s);
    check_input(fs::exists(scene_files[s]), "scenes." + s, scene_files[s].string() + ": not found");
  }
  std::map<std::string, std::vector<std::string>> split_overrides, model_overrides;
  for (const auto& s : splits) split_overrides[s] = config.get<std::vector<std::string>>("splits." + s);
  for (const auto& m : models) model_overrides[m] = config.get<std::vector<std::string>>("models." + m);
  std::vector<fs::path> reuse_files;
  for (const auto& f : config.get<std::vector<std::string>>("reuse", {})) reuse_files.emplace_back(f);
  const runtime::ReusedRuns reused(reuse_files, {"scene", "split", "model", "seed"},
                                   {"test_oa", "test_aa", "test_kappa", "val_oa", "best_step", "seconds"});
  config.check_all_keys_used();

  ReproduceResult result;
  result.dir = runtime::make_run_dir(out_root / "reproduce", "lgest", "table");
  std::ostringstream csv;
  csv << "scene,split,model,seed,test_oa,test_aa,test_kappa,val_oa,best_step,seconds,split_description,per_class,"
         "config\n";
  // runs[scene][split][model]
  std::map<std::string, std::map<std::string, std::map<std::string, std::vector<RunResult>>>> runs;
  std::map<std::string, std::map<std::string, GroupInfo>> groups;
  std::map<std::string, double> scene_seconds;
  std::string device_name;
  const auto start = std::chrono::steady_clock::now();
  const int64_t total = static_cast<int64_t>(scenes.size() * splits.size() * models.size()) * seeds;
  int64_t done = 0, reused_count = 0;

  auto write_table = [&] {
    report::MarkdownReport md;
    md.add_heading(1, "moezoo-lgest reproduce");
    md.add_paragraph(
        "Test OA, AA and kappa (%) of best.pt (the step of best validation OA), mean ± sample std over " +
        std::to_string(seeds) +
        " seeds; seed s draws the split (data.split_seed = s) and initialises the model "
        "(train.seed = s). Normalisation and PCA are fitted on the training pixels only. \"train s\" is the mean "
        "training time of one run on this machine (" +
        (device_name.empty() ? std::string("-") : device_name) +
        "). The best mean OA of each scene and split is in bold. " + std::to_string(done) + " of " +
        std::to_string(total) + " runs (" + std::to_string(reused_count) + " reused from earlier results.csv), " +
        runtime::format_duration(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()) +
        " this time.");
    std::vector<std::vector<std::string>> rows;
    for (const auto& scene : scenes)
      for (const auto& split : splits) {
        double best = -1;
        for (const auto& model : models) {
          const auto& r = runs[scene][split][model];
          if (r.empty()) continue;
          std::vector<double> oa;
          for (const auto& run : r) oa.push_back(run.oa);
          best = std::max(best, report::mean_std(oa).mean);
        }
        const auto& info = groups[scene][split];
        for (const auto& model : models) {
          const auto& r = runs[scene][split][model];
          std::vector<double> oa, aa, kappa, seconds;
          for (const auto& run : r) {
            oa.push_back(run.oa);
            aa.push_back(run.aa);
            kappa.push_back(run.kappa);
            seconds.push_back(run.seconds);
          }
          std::string oa_cell = report::format_mean_std_percent(oa, 2);
          if (!r.empty() && report::mean_std(oa).mean == best) oa_cell = "**" + oa_cell + "**";
          rows.push_back({scene, split + (info.split_name.empty() ? "" : " (" + info.split_name + ")"), model, oa_cell,
                          report::format_mean_std_percent(aa, 2), report::format_mean_std_percent(kappa, 2),
                          r.empty() ? "-" : report::format_number(report::mean_std(seconds).mean, 3),
                          std::to_string(r.size())});
        }
      }
    md.add_table({"scene", "split", "model", "OA", "AA", "kappa", "train s", "runs"}, rows);

    std::string per_scene;
    for (const auto& scene : scenes)
      if (scene_seconds.count(scene))
        per_scene += (per_scene.empty() ? "" : ", ") + scene + " " + runtime::format_duration(scene_seconds[scene]);
    if (!per_scene.empty())
      md.add_paragraph("Training time per scene (all splits, models and seeds): " + per_scene + ".");

    md.add_heading(2, "Per-class accuracy (%)");
    for (const auto& scene : scenes)
      for (const auto& split : splits) {
        const auto& info = groups[scene][split];
        if (info.class_names.empty()) continue;
        md.add_heading(3, scene + ", " + split + " (" + info.split_name + ")");
        std::vector<std::string> header{"model"};
        for (const auto& name : info.class_names) header.push_back(name);
        std::vector<std::vector<std::string>> class_rows;
        for (const auto& model : models) {
          std::vector<std::string> row{model};
          for (size_t c = 0; c < info.class_names.size(); ++c) {
            std::vector<double> values;
            for (const auto& run : runs[scene][split][model])
              if (c < run.per_class.size()) values.push_back(run.per_class[c]);
            // A class absent from a run's test pixels has no accuracy there (NaN): left out.
            row.push_back(report::format_mean_std_percent(finite(values), 2));
          }
          class_rows.push_back(row);
        }
        md.add_table(header, class_rows);
      }
    md.add_paragraph(
        "Per run: [results.csv](results.csv); each run's folder (report.md, test_metrics.json, "
        "confusion matrix) under runs/<scene>/<split>/<model>/seed<s>/.");
    md.write(result.dir / "table.md");
    result.table = md.str();
    write_file_atomically(result.dir / "results.csv", csv.str());
  };

  for (const auto& scene : scenes) {
    for (const auto& split : splits) {
      for (const auto& model : models) {
        for (int64_t seed = 0; seed < seeds; ++seed) {
          auto run_config = runtime::Config::load(scene_files.at(scene));
          run_config.set_override("data.name=" + scene);
          run_config.set_override("data.fallback_synthetic=false");  // a table row must be the scene it names
          run_config.set_overrides(split_overrides.at(split));
          run_config.set_overrides(model_overrides.at(model));
          run_config.set_overrides(common);
          run_config.set_override("train.seed=" + std::to_string(seed));
          run_config.set_override("data.split_seed=" + std::to_string(seed));
          run_config.set_override("train.progress=false");
          const std::string fingerprint = runtime::config_fingerprint(run_config.to_yaml());
          auto record = [&](const RunResult& run, const char* how) {
            runs[scene][split][model].push_back(run);
            scene_seconds[scene] += run.seconds;
            ++done;
            const auto& info = groups[scene][split];
            check_input(run.per_class.size() == info.class_names.size(), "reproduce",
                        scene + " " + split + " " + model + " seed " + std::to_string(seed) + ": " +
                            std::to_string(run.per_class.size()) + " per-class accuracies for " +
                            std::to_string(info.class_names.size()) + " classes");
            std::string per_class;
            for (size_t c = 0; c < run.per_class.size(); ++c)
              per_class += (c ? ";" : "") + info.class_names[c] + "=" + report::csv_number(run.per_class[c]);
            csv << scene << ',' << split << ',' << model << ',' << seed << ',' << report::csv_number(run.oa) << ','
                << report::csv_number(run.aa) << ',' << report::csv_number(run.kappa) << ','
                << report::csv_number(run.val_oa) << ',' << run.best_step << ',' << report::csv_number(run.seconds)
                << ',' << report::csv_field(info.split_name) << ',' << report::csv_field(per_class) << ','
                << fingerprint << '\n';
            std::cerr << "[" << done << "/" << total << "] " << scene << " " << split << " " << model << " seed "
                      << seed << ": test OA " << report::format_percent(run.oa, 2) << ", AA "
                      << report::format_percent(run.aa, 2) << ", kappa " << report::format_percent(run.kappa, 2)
                      << " (" << report::format_number(run.seconds, 3) << " s" << how << ")\n";
            write_table();
          };
          const auto* row = reused.find({scene, split, model, std::to_string(seed)});
          if (row && !runtime::same_config(*row, fingerprint)) {
            std::cerr << scene << " " << split << " " << model << " seed " << seed
                      << ": the reused results.csv trained it with another config; training it again\n";
            row = nullptr;
          }
          if (row) {
            const std::string where =
                "reuse (" + scene + " " + split + " " + model + " seed " + std::to_string(seed) + ")";
            ++reused_count;
            record(reused_run(*row, seed, where, groups[scene][split]), ", reused");
            continue;
          }
          auto built = build_task(run_config, data_root);
          const auto options = runtime::train_options_from_config(run_config.at("train"));
          run_config.check_all_keys_used();
          if (model == models.front() && seed == 0) std::cerr << built.log;
          const fs::path run_dir = result.dir / "runs" / scene / split / model / ("seed" + std::to_string(seed));
          runtime::Trainer trainer(options, run_dir, run_config.to_yaml(), model + " on " + scene + ", " + split);
          const auto r = trainer.fit(*built.task);
          check_input(!r.interrupted, "reproduce", "interrupted");
          const auto device = runtime::resolve_device(options.device());
          device_name = device.str() +
                        (options.threads() > 0 ? ", threads: " + std::to_string(options.threads()) : std::string());
          const auto scores = score_checkpoint_on_test(*built.task, run_dir / "best.pt", device);
          const auto& data = built.task->data();
          write_test_report(run_dir, scores, data, model, "best.pt");

          RunResult run;
          run.seed = seed;
          run.oa = scores.scores.overall_accuracy;
          run.aa = scores.scores.average_accuracy;
          run.kappa = scores.scores.kappa;
          run.val_oa = r.best_metrics.count("val_oa") ? r.best_metrics.at("val_oa") : std::nan("");
          run.seconds = r.seconds;
          run.best_step = r.best_step;
          run.per_class = scores.scores.per_class_accuracy;
          auto& info = groups[scene][split];
          if (info.class_names.empty()) info = {data.split_name, data.scene.class_names};
          record(run, "");
        }
      }
    }
  }
  return result;
}

}  // namespace moezoo::pipelines::lgest
