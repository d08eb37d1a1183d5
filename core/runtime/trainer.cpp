#include "core/runtime/trainer.h"

#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <sstream>

#include "core/runtime/autocast_scope.h"
#include "core/runtime/checkpoint.h"
#include "core/runtime/lr_schedule.h"
#include "core/runtime/metrics_table.h"
#include "core/runtime/optimizer_factory.h"
#include "core/runtime/progress.h"
#include "core/runtime/reproducibility.h"
#include "core/runtime/routing_monitor.h"
#include "core/runtime/run_report.h"
#include "core/runtime/weight_ema.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace moezoo::runtime {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_sigint(int) { g_interrupted = true; }

/// First Ctrl-C asks the loop to stop after the current step (writing last.pt);
/// a second one falls back to the default handler and kills the process.
class SigintScope {
 public:
  SigintScope() {
    g_interrupted = false;
    previous_ = std::signal(SIGINT, on_sigint);
  }
  ~SigintScope() { std::signal(SIGINT, previous_); }

 private:
  void (*previous_)(int);
};

/// Means of logged values over the steps of one log window.
class WindowMeans {
 public:
  void add(const std::string& name, double value) {
    auto& cell = sums_[name];
    cell.first += value;
    cell.second += 1;
  }
  MetricsTable::Row means() const {
    MetricsTable::Row row;
    for (const auto& [name, cell] : sums_) row[name] = cell.first / cell.second;
    return row;
  }
  void clear() { sums_.clear(); }

 private:
  std::map<std::string, std::pair<double, int64_t>> sums_;
};

std::string describe(const std::map<std::string, double>& metrics) {
  std::ostringstream out;
  out.precision(4);
  bool first = true;
  for (const auto& [name, value] : metrics) {
    out << (first ? "" : ", ") << name << " " << value;
    first = false;
  }
  return out.str();
}

}  // namespace

Trainer::Trainer(TrainOptions options, fs::path run_dir, std::string config_yaml, std::string title)
    : options_(std::move(options)), run_dir_(std::move(run_dir)), config_yaml_(std::move(config_yaml)), title_(std::move(title)) {}

int64_t Trainer::total_steps(int64_t batches_per_epoch) const {
  if (options_.max_steps() > 0) return options_.max_steps();
  const int64_t batches = options_.epochs() * batches_per_epoch;
  return (batches + options_.accumulate() - 1) / options_.accumulate();
}

TrainResult Trainer::fit(TrainTask& task, const std::optional<fs::path>& resume, int64_t stop_after_steps) {
  const auto& o = options_;
  fs::create_directories(run_dir_);
  write_file_atomically(run_dir_ / "config.yaml", config_yaml_);

  set_threads(o.threads());
  set_deterministic(o.deterministic());
  seed_everything(o.seed());
  const c10::Device device = resolve_device(o.device());
  const bool autocast = o.bf16() && device.is_cuda();

  torch::nn::Module& module = task.module();
  module.to(device);
  module.train();
  RoutingMonitor routing(module);
  const auto params = module.parameters();
  auto optimizer = make_optimizer(o, module);
  std::unique_ptr<WeightEma> ema = o.ema_decay() > 0 ? std::make_unique<WeightEma>(module, o.ema_decay()) : nullptr;
  const CheckpointParts parts{&module, optimizer.get(), ema.get()};

  TrainProgress progress;
  MetricsTable metrics;
  const fs::path metrics_path = run_dir_ / "metrics.csv";
  if (resume) {
    progress = load_checkpoint(*resume, parts);
    if (fs::exists(metrics_path)) {
      metrics = MetricsTable::read_csv(metrics_path);
      metrics.truncate_after(progress.step);
    }
  }

  const int64_t per_epoch = task.batches_per_epoch();
  check_input(per_epoch > 0, "task", "has no training batches");
  const int64_t total = total_steps(per_epoch);
  const int64_t eval_every = o.eval_every() > 0 ? o.eval_every() : std::max<int64_t>(1, per_epoch / o.accumulate());
  LrSchedule schedule;
  schedule.kind = o.schedule();
  schedule.base_lr = o.lr();
  schedule.total_steps = total;
  schedule.warmup_steps = o.warmup_steps();
  schedule.min_lr_ratio = o.min_lr_ratio();
  schedule.step_size = o.step_size();
  schedule.gamma = o.gamma();

  TrainResult result;
  Progress bar(total, progress.step, o.log_every(), o.progress());
  if (resume) bar.message("resumed from " + resume->string() + " at step " + std::to_string(progress.step));
  SigintScope sigint;
  WindowMeans window;
  const auto segment_start = std::chrono::steady_clock::now();
  auto save_last = [&] { save_checkpoint(run_dir_ / "last.pt", parts, progress, config_yaml_); };
  const bool maximize = o.monitor_mode() == "max";

  for (int64_t step = progress.step; step < total; ++step) {
    if (g_interrupted || (stop_after_steps > 0 && step >= stop_after_steps)) {
      result.interrupted = true;
      break;
    }
    const double lr = schedule.at(step);
    set_lr(*optimizer, lr);
    optimizer->zero_grad();
    routing.begin_step();

    bool finite = true;
    double step_loss = 0.0;
    for (int64_t micro = 0; micro < o.accumulate(); ++micro) {
      const int64_t batch = step * o.accumulate() + micro;
      const int64_t epoch = batch / per_epoch, index = batch % per_epoch;
      StepResult r;
      {
        AutocastScope scope(autocast);
        r = task.train_batch(epoch, index, device);
      }
      const at::Tensor loss = r.loss.to(torch::kFloat32) + r.aux.total().to(r.loss.device(), torch::kFloat32);
      const double value = loss.item<double>();
      if (!std::isfinite(value)) {
        finite = false;
        std::ostringstream what;
        what << "step " << step + 1 << " (epoch " << epoch + 1 << ", batch " << index + 1 << "): loss is " << value
             << " (task loss " << r.loss.item<double>() << ")";
        if (o.nonfinite() == "stop")
          throw Error(what.str() + "; lower train.lr, set train.grad_clip, or set train.nonfinite=skip");
        bar.message(what.str() + ": update skipped");
        break;
      }
      (loss / static_cast<double>(o.accumulate())).backward();
      step_loss += value / o.accumulate();
      window.add("loss", r.loss.item<double>());
      for (const auto& [name, term] : r.aux.terms) window.add("aux/" + name, term.item<double>());
      for (const auto& [name, v] : r.metrics) window.add("train/" + name, v);
    }

    if (finite) {
      if (o.grad_clip() > 0) window.add("grad_norm", torch::nn::utils::clip_grad_norm_(params, o.grad_clip()));
      optimizer->step();
      routing.after_step();
      if (ema) ema->update(module);
      for (const auto& [name, v] : routing.step_metrics()) window.add(name, v);
    } else {
      optimizer->zero_grad();
      ++progress.skipped_steps;
    }
    progress.step = step + 1;
    bar.update(progress.step, step_loss, lr);

    const bool last_step = progress.step == total;
    if (progress.step % o.log_every() == 0 || last_step) {
      auto row = window.means();
      row["lr"] = lr;
      row["epoch"] = static_cast<double>(step * o.accumulate() / per_epoch + 1);
      if (progress.skipped_steps) row["skipped_steps"] = static_cast<double>(progress.skipped_steps);
      metrics.add(progress.step, row);
      metrics.write_csv(metrics_path);
      window.clear();
    }

    // Routing statistics of an epoch close when its last batch has run.
    const int64_t next_batch = progress.step * o.accumulate();
    if (!routing.empty() && (next_batch / per_epoch > step * o.accumulate() / per_epoch || last_step)) {
      const auto epoch_metrics = routing.end_epoch((next_batch - 1) / per_epoch + 1);
      if (!epoch_metrics.empty()) {
        metrics.add(progress.step, epoch_metrics);
        metrics.write_csv(metrics_path);
      }
    }

    if (progress.step % eval_every == 0 || last_step) {
      std::map<std::string, double> values;
      {
        EmaSwapGuard swap(ema.get(), module);
        torch::NoGradGuard no_grad;
        module.eval();
        values = task.evaluate(device);
        module.train();
      }
      check_input(!values.empty(), "task", "evaluate() returned no metrics");
      const std::string monitor = o.monitor().empty() ? values.begin()->first : o.monitor();
      check_input(values.count(monitor) > 0, "train.monitor",
                  "'" + monitor + "' is not among the evaluation metrics (" + describe(values) + ")");
      MetricsTable::Row row;
      for (const auto& [name, v] : values) row["eval/" + name] = v;
      metrics.add(progress.step, row);
      metrics.write_csv(metrics_path);
      result.last_metrics = values;

      const double value = values.at(monitor);
      const bool improved = progress.best_step < 0 || (maximize ? value > progress.best_value : value < progress.best_value);
      if (improved) {
        progress.best_value = value;
        progress.best_step = progress.step;
        progress.evals_since_best = 0;
        result.best_metrics = values;
        save_checkpoint(run_dir_ / "best.pt", parts, progress, config_yaml_);
      } else {
        ++progress.evals_since_best;
      }
      bar.message("eval @ step " + std::to_string(progress.step) + ": " + describe(values) + (improved ? "  (best)" : ""));
      save_last();
      if (o.early_stop_patience() > 0 && progress.evals_since_best >= o.early_stop_patience()) {
        bar.message("early stop: no improvement of " + monitor + " in " + std::to_string(o.early_stop_patience()) +
                    " evaluations");
        result.stopped_early = true;
        break;
      }
    } else if (o.checkpoint_every() > 0 && progress.step % o.checkpoint_every() == 0) {
      save_last();
    }
  }
  bar.finish();
  progress.elapsed_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - segment_start).count();
  save_last();
  if (result.interrupted)
    std::fprintf(stderr, "stopped at step %lld; continue with --resume %s\n", static_cast<long long>(progress.step),
                 (run_dir_ / "last.pt").c_str());

  result.steps = progress.step;
  result.best_step = progress.best_step;
  result.seconds = progress.elapsed_seconds;
  if (result.best_metrics.empty() && progress.best_step >= 0) {
    // A resumed run that did not improve: read the best row back from the table.
    for (const auto& column : metrics.columns())
      if (column.rfind("eval/", 0) == 0)
        for (const auto& [s, v] : metrics.series(column))
          if (static_cast<int64_t>(s) == progress.best_step) result.best_metrics[column.substr(5)] = v;
  }

  RunSummary summary;
  summary.title = title_;
  summary.facts = {{"steps", std::to_string(result.steps) + " / " + std::to_string(total)},
                   {"training time", format_duration(result.seconds)},
                   {"device", device.str()},
                   {"best step", std::to_string(result.best_step)},
                   {"stopped", result.interrupted ? "interrupted (resume with --resume last.pt)"
                                                  : result.stopped_early ? "early stopping" : "completed"}};
  summary.best_metrics = result.best_metrics;
  summary.last_metrics = result.last_metrics;
  if (!routing.epochs().empty()) {
    routing.write_load_csv(run_dir_ / "expert_load.csv");
    summary.load_layers = routing.layer_names();
    summary.load_epoch = routing.epochs().back().epoch;
    summary.expert_load = routing.epochs().back().load;
  }
  write_run_report(run_dir_, summary, metrics);
  return result;
}

}  // namespace moezoo::runtime
