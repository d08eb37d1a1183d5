#include "pipelines/geomoe/reproduce.h"

#include <torch/torch.h>

#include <chrono>
#include <iostream>
#include <map>
#include <sstream>

#include "core/report/csv.h"
#include "core/report/markdown.h"
#include "core/report/summary_stats.h"
#include "core/runtime/config_sections.h"
#include "core/runtime/pipeline_cli.h"
#include "core/runtime/progress.h"
#include "core/runtime/reused_runs.h"
#include "core/runtime/train_options.h"
#include "core/runtime/trainer.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "pipelines/geomoe/task_builder.h"

namespace moezoo::pipelines::geomoe {

namespace fs = std::filesystem;

ReproduceResult reproduce(const runtime::Config& config, const fs::path& config_dir, const fs::path& data_root,
                          const fs::path& out_root) {
  const int64_t seeds = config.get<int64_t>("seeds", 10);
  check_input(seeds >= 1, "seeds", "must be at least 1");
  const auto datasets = runtime::config_children(config, "datasets");
  const auto models = runtime::config_children(config, "models");
  check_input(!datasets.empty(), "datasets", "names no dataset");
  check_input(!models.empty(), "models", "names no model");
  const auto common = config.get<std::vector<std::string>>("overrides", {});
  std::map<std::string, fs::path> dataset_files;
  for (const auto& d : datasets) dataset_files[d] = config_dir / config.get<std::string>("datasets." + d);
  std::map<std::string, std::vector<std::string>> model_overrides;
  for (const auto& m : models) model_overrides[m] = config.get<std::vector<std::string>>("models." + m);
  std::map<std::string, std::map<std::string, double>> published;
  for (const auto& dataset : runtime::config_children(config, "published"))
    for (const auto& model : runtime::config_children(config, "published." + dataset))
      published[dataset][model] = config.get<double>("published." + dataset + "." + model);
  // selected: {name: [model, model, ...]}: a row that takes, per dataset, the candidate
  // with the best mean validation accuracy (model selection on validation, never test).
  const auto selections = runtime::config_children(config, "selected");
  std::map<std::string, std::vector<std::string>> candidates;
  for (const auto& name : selections) {
    candidates[name] = config.get<std::vector<std::string>>("selected." + name);
    check_input(!candidates[name].empty(), "selected." + name, "names no model");
    for (const auto& m : candidates[name])
      check_input(model_overrides.count(m) > 0, "selected." + name, "'" + m + "' is not one of models");
  }
  std::vector<fs::path> reuse_files;
  for (const auto& f : config.get<std::vector<std::string>>("reuse", {})) reuse_files.emplace_back(f);
  const runtime::ReusedRuns reused(reuse_files, {"dataset", "model", "seed"},
                                   {"test_acc", "val_acc", "best_step", "seconds"});
  config.check_all_keys_used();

  ReproduceResult result;
  result.dir = runtime::make_run_dir(out_root / "reproduce", "geomoe", "table");
  std::ostringstream csv;
  csv << "dataset,model,seed,split_index,test_acc,val_acc,best_step,seconds,config\n";
  std::map<std::string, std::map<std::string, std::vector<double>>> accuracy, validation;
  const auto start = std::chrono::steady_clock::now();
  const int64_t total = static_cast<int64_t>(datasets.size() * models.size()) * seeds;
  int64_t done = 0, reused_count = 0;
  double train_seconds = 0.0;  // of every run in the table, reused ones included

  auto write_table = [&] {
    std::vector<std::string> header{"model"};
    for (const auto& d : datasets) header.push_back(d);
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : models) {
      std::vector<std::string> row{m};
      for (const auto& d : datasets) {
        const auto& values = accuracy[d][m];
        std::string cell = report::format_mean_std_percent(values);
        if (published.count(d) && published[d].count(m)) cell += " (" + report::format_number(published[d][m], 4) + ")";
        row.push_back(cell);
      }
      rows.push_back(row);
    }
    for (const auto& name : selections) {
      std::vector<std::string> row{name + " (selected on validation)"};
      for (const auto& d : datasets) {
        const std::string* best = nullptr;
        double best_val = -1.0;
        for (const auto& m : candidates.at(name)) {
          const auto& val = validation[d][m];
          if (static_cast<int64_t>(val.size()) < seeds) continue;  // only finished candidates compete
          const double mean = report::mean_std(val).mean;
          if (mean > best_val) best_val = mean, best = &m;
        }
        row.push_back(best ? report::format_mean_std_percent(accuracy[d][*best]) + " [" + *best + "]" : "");
      }
      rows.push_back(row);
    }
    report::MarkdownReport md;
    md.add_heading(1, "moezoo-geomoe reproduce");
    md.add_paragraph("Test accuracy (%) at the best validation step, mean ± sample std over " + std::to_string(seeds) +
                     " seeds (public splits) or stored splits; published numbers in brackets. " +
                     std::to_string(done) + " of " + std::to_string(total) + " runs (" +
                     std::to_string(reused_count) + " reused from earlier results.csv), " +
                     runtime::format_duration(
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()) +
                     " this time; training time of all runs " + runtime::format_duration(train_seconds) + ".");
    md.add_table(header, rows);
    md.add_paragraph("Per run: [results.csv](results.csv).");
    md.write(result.dir / "table.md");
    result.table = md.str();
    write_file_atomically(result.dir / "results.csv", csv.str());
  };

  for (const auto& dataset : datasets) {
    const fs::path& file = dataset_files.at(dataset);
    for (const auto& model : models) {
      for (int64_t seed = 0; seed < seeds; ++seed) {
        auto run_config = runtime::Config::load(file);
        run_config.set_override("data.name=" + dataset);
        run_config.set_overrides(model_overrides.at(model));
        run_config.set_overrides(common);
        run_config.set_override("train.seed=" + std::to_string(seed));
        run_config.set_override("train.progress=false");
        const std::string fingerprint = runtime::config_fingerprint(run_config.to_yaml());
        auto record = [&](double test, double val, double best_step, double seconds, const std::string& split_index,
                          const char* how) {
          accuracy[dataset][model].push_back(test);
          validation[dataset][model].push_back(val);
          train_seconds += seconds;
          ++done;
          csv << dataset << ',' << model << ',' << seed << ',' << split_index << ',' << report::csv_number(test) << ','
              << report::csv_number(val) << ',' << report::csv_number(best_step) << ','
              << report::csv_number(seconds) << ',' << fingerprint << '\n';
          std::cerr << "[" << done << "/" << total << "] " << dataset << " " << model << " seed " << seed
                    << ": test_acc " << report::format_percent(test, 2) << " (" << report::format_number(seconds, 3)
                    << " s" << how << ")\n";
          write_table();
        };
        const auto* row = reused.find({dataset, model, std::to_string(seed)});
        if (row && !runtime::same_config(*row, fingerprint)) {
          std::cerr << dataset << " " << model << " seed " << seed
                    << ": the reused results.csv trained it with another config; training it again\n";
          row = nullptr;
        }
        if (row) {
          const std::string where = "reuse (" + dataset + " " + model + " seed " + std::to_string(seed) + ")";
          ++reused_count;
          record(runtime::reused_number(*row, "test_acc", where), runtime::reused_number(*row, "val_acc", where),
                 runtime::reused_number(*row, "best_step", where), runtime::reused_number(*row, "seconds", where),
                 runtime::reused_text(*row, "split_index", where), ", reused");
          continue;
        }
        const bool stored = run_config.get<std::string>("data.split", "public") == "stored";
        if (stored) run_config.set_override("data.split_index=" + std::to_string(seed));
        auto built = build_task(run_config, data_root);
        const auto options = runtime::train_options_from_config(run_config.at("train"));
        run_config.check_all_keys_used();
        const fs::path run_dir = result.dir / "runs" / dataset / model / ("seed" + std::to_string(seed));
        runtime::Trainer trainer(options, run_dir, run_config.to_yaml(), model + " on " + dataset);
        const auto r = trainer.fit(*built.task);
        check_input(!r.interrupted, "reproduce", "interrupted");
        record(r.best_metrics.at("test_acc"), r.best_metrics.at("val_acc"), static_cast<double>(r.best_step),
               r.seconds, stored ? std::to_string(seed) : "", "");
      }
    }
  }
  return result;
}

}  // namespace moezoo::pipelines::geomoe
