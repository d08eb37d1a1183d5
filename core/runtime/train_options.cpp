#include "core/runtime/train_options.h"

#include "core/runtime/config.h"
#include "core/util/error.h"

namespace moezoo::runtime {

namespace {
void check_choice(const std::string& key, const std::string& value, std::initializer_list<const char*> choices) {
  std::string all;
  for (const char* c : choices) {
    if (value == c) return;
    all += (all.empty() ? "" : ", ") + std::string(c);
  }
  throw Error("config key '" + key + "': '" + value + "' is not one of " + all);
}
}  // namespace

TrainOptions train_options_from_config(const Config& c) {
  TrainOptions d;  // defaults
  TrainOptions o;
  o.epochs(c.get<int64_t>("epochs", d.epochs()))
      .max_steps(c.get<int64_t>("max_steps", d.max_steps()))
      .accumulate(c.get<int64_t>("accumulate", d.accumulate()))
      .optimizer(c.get<std::string>("optimizer", d.optimizer()))
      .lr(c.get<double>("lr", d.lr()))
      .weight_decay(c.get<double>("weight_decay", d.weight_decay()))
      .weight_decay_params(c.get<std::vector<std::string>>("weight_decay_params", d.weight_decay_params()))
      .beta1(c.get<double>("beta1", d.beta1()))
      .beta2(c.get<double>("beta2", d.beta2()))
      .eps(c.get<double>("eps", d.eps()))
      .momentum(c.get<double>("momentum", d.momentum()))
      .nesterov(c.get<bool>("nesterov", d.nesterov()))
      .schedule(c.get<std::string>("schedule", d.schedule()))
      .warmup_steps(c.get<int64_t>("warmup_steps", d.warmup_steps()))
      .min_lr_ratio(c.get<double>("min_lr_ratio", d.min_lr_ratio()))
      .step_size(c.get<int64_t>("step_size", d.step_size()))
      .gamma(c.get<double>("gamma", d.gamma()))
      .grad_clip(c.get<double>("grad_clip", d.grad_clip()))
      .ema_decay(c.get<double>("ema_decay", d.ema_decay()))
      .bf16(c.get<bool>("bf16", d.bf16()))
      .eval_every(c.get<int64_t>("eval_every", d.eval_every()))
      .monitor(c.get<std::string>("monitor", d.monitor()))
      .monitor_mode(c.get<std::string>("monitor_mode", d.monitor_mode()))
      .early_stop_patience(c.get<int64_t>("early_stop_patience", d.early_stop_patience()))
      .device(c.get<std::string>("device", d.device()))
      .threads(c.get<int64_t>("threads", d.threads()))
      .seed(static_cast<uint64_t>(c.get<int64_t>("seed", static_cast<int64_t>(d.seed()))))
      .deterministic(c.get<bool>("deterministic", d.deterministic()))
      .log_every(c.get<int64_t>("log_every", d.log_every()))
      .checkpoint_every(c.get<int64_t>("checkpoint_every", d.checkpoint_every()))
      .nonfinite(c.get<std::string>("nonfinite", d.nonfinite()))
      .progress(c.get<bool>("progress", d.progress()));

  check_choice("train.optimizer", o.optimizer(), {"adamw", "adam", "sgd"});
  check_choice("train.schedule", o.schedule(), {"constant", "cosine", "step"});
  check_choice("train.monitor_mode", o.monitor_mode(), {"max", "min"});
  check_choice("train.nonfinite", o.nonfinite(), {"stop", "skip"});
  check_input(o.epochs() > 0 || o.max_steps() > 0, "train.epochs", "set epochs > 0 or max_steps > 0");
  check_input(o.accumulate() >= 1, "train.accumulate", "must be >= 1");
  check_input(o.lr() > 0, "train.lr", "must be > 0");
  check_input(o.ema_decay() >= 0 && o.ema_decay() < 1, "train.ema_decay", "must be in [0, 1)");
  check_input(o.grad_clip() >= 0, "train.grad_clip", "must be >= 0");
  check_input(o.step_size() > 0, "train.step_size", "must be > 0");
  return o;
}

}  // namespace moezoo::runtime
