#include <gtest/gtest.h>

#include <torch/torch.h>

#include <fstream>

#include "core/runtime/checkpoint.h"
#include "core/runtime/metrics_table.h"
#include "core/runtime/trainer.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "tests/core/runtime/toy_task.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using runtime::TrainOptions;

namespace {

TrainOptions toy_options() {
  return TrainOptions().epochs(4).lr(3e-3).schedule("cosine").warmup_steps(3).grad_clip(1.0).ema_decay(0.9)
      .accumulate(2).eval_every(3).log_every(2).monitor("score").progress(false).threads(1);
}

}  // namespace

TEST(Trainer, ResumedRunEqualsUninterruptedRunBitwise) {
  const auto dir = moezoo::testing::temp_dir("trainer");
  const auto options = toy_options();

  moezoo::testing::ToyTask straight;
  runtime::Trainer a(options, dir / "straight", "seed: 0\n");
  const auto full = a.fit(straight);
  EXPECT_EQ(full.steps, 12);  // 4 epochs * 6 batches / accumulate 2

  moezoo::testing::ToyTask first_half;
  runtime::Trainer b(options, dir / "resumed", "seed: 0\n");
  const auto part = b.fit(first_half, std::nullopt, /*stop_after_steps=*/7);
  EXPECT_TRUE(part.interrupted);
  EXPECT_EQ(part.steps, 7);

  moezoo::testing::ToyTask second_half(/*seed=*/99);  // fresh process: different init, overwritten by the checkpoint
  const auto rest = b.fit(second_half, dir / "resumed" / "last.pt");
  EXPECT_EQ(rest.steps, 12);
  EXPECT_FALSE(rest.interrupted);
  EXPECT_TRUE(torch::equal(moezoo::testing::flat_parameters(straight.module()), moezoo::testing::flat_parameters(second_half.module())));

  // The resumed run's metrics.csv continues the first half without duplicate steps.
  const auto table = runtime::MetricsTable::read_csv(dir / "resumed" / "metrics.csv");
  const auto loss = table.series("loss");
  ASSERT_EQ(loss.size(), 6u);  // steps 2,4,...,12
  for (size_t i = 0; i < loss.size(); ++i) EXPECT_EQ(loss[i].first, 2.0 * (i + 1));
  EXPECT_EQ(table.series("eval/mse").size(), 4u);  // steps 3,6,9,12
}

TEST(Trainer, LossDecreasesAndArtifactsAreWritten) {
  const auto dir = moezoo::testing::temp_dir("trainer");
  moezoo::testing::ToyTask task;
  auto options = toy_options().epochs(20).ema_decay(0.0);
  runtime::Trainer trainer(options, dir, "train:\n  lr: 0.003\n", "toy");
  const auto result = trainer.fit(task);
  const auto table = runtime::MetricsTable::read_csv(dir / "metrics.csv");
  const auto mse = table.series("eval/mse");
  ASSERT_GE(mse.size(), 2u);
  EXPECT_LT(mse.back().second, 0.7 * mse.front().second);
  EXPECT_FALSE(table.series("aux/l2").empty());
  EXPECT_FALSE(table.series("train/mae").empty());
  EXPECT_FALSE(table.series("grad_norm").empty());
  for (const char* f : {"config.yaml", "metrics.csv", "last.pt", "best.pt", "report.md", "plots/loss.png", "plots/lr.png"})
    EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
  EXPECT_GE(result.best_step, 1);
  EXPECT_NEAR(result.best_metrics.at("score"), -mse[(result.best_step / 3) - 1].second, 1e-9);

  // best.pt holds the weights of the best evaluation.
  moezoo::testing::ToyTask reloaded(/*seed=*/5);
  runtime::load_weights(dir / "best.pt", reloaded.module());
  reloaded.module().eval();
  torch::NoGradGuard no_grad;
  EXPECT_NEAR(reloaded.evaluate(torch::kCPU).at("score"), result.best_metrics.at("score"), 1e-6);
}

TEST(Trainer, NonFiniteLossStopsNamingTheStep) {
  const auto dir = moezoo::testing::temp_dir("trainer");
  moezoo::testing::ToyTask task(1, /*poison_batch=*/9);  // batch 9 belongs to step 5 with accumulate 2
  runtime::Trainer trainer(toy_options(), dir, "");
  try {
    trainer.fit(task);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("step 5 (epoch 2, batch 4): loss is nan"), std::string::npos) << e.what();
  }
}

TEST(Trainer, NonFiniteLossSkipPolicyKeepsWeightsFinite) {
  const auto dir = moezoo::testing::temp_dir("trainer");
  moezoo::testing::ToyTask task(1, /*poison_batch=*/9);
  runtime::Trainer trainer(toy_options().nonfinite("skip"), dir, "");
  const auto result = trainer.fit(task);
  EXPECT_EQ(result.steps, 12);
  EXPECT_TRUE(torch::isfinite(moezoo::testing::flat_parameters(task.module())).all().item<bool>());
  const auto table = runtime::MetricsTable::read_csv(dir / "metrics.csv");
  EXPECT_EQ(table.last("skipped_steps").value_or(0), 1.0);
}

TEST(Trainer, EarlyStoppingStopsAfterPatience) {
  const auto dir = moezoo::testing::temp_dir("trainer");
  moezoo::testing::ToyTask task;
  // lr tiny and monitoring "mse" as if larger were better: improvements stop at once.
  auto options = toy_options().epochs(50).lr(1e-6).monitor("mse").monitor_mode("max").early_stop_patience(2)
                     .schedule("constant").warmup_steps(0).ema_decay(0);
  runtime::Trainer trainer(options, dir, "");
  const auto result = trainer.fit(task);
  EXPECT_TRUE(result.stopped_early);
  EXPECT_LT(result.steps, 150);
}

TEST(Trainer, AccumulationMatchesLargerBatchOnSgd) {
  // Two micro-batches of 16 with accumulate=2 give the mean of their gradients:
  // one SGD step equals a manual step on the averaged gradient.
  const auto dir = moezoo::testing::temp_dir("trainer");
  moezoo::testing::ToyTask task;
  moezoo::testing::ToyTask manual;
  manual.net_->eval();
  task.net_->eval();  // no dropout on either side for this comparison
  auto options = TrainOptions().max_steps(1).accumulate(2).optimizer("sgd").momentum(0).lr(0.1).progress(false)
                     .threads(1).eval_every(1);
  struct NoDropout : runtime::TrainTask {
    moezoo::testing::ToyTask& inner;
    explicit NoDropout(moezoo::testing::ToyTask& t) : inner(t) {}
    torch::nn::Module& module() override { return inner.module(); }
    int64_t batches_per_epoch() const override { return inner.batches_per_epoch(); }
    runtime::StepResult train_batch(int64_t e, int64_t i, const c10::Device& d) override {
      inner.module().eval();
      auto r = inner.train_batch(e, i, d);
      r.aux = {};
      return r;
    }
    std::map<std::string, double> evaluate(const c10::Device& d) override { return inner.evaluate(d); }
  } wrapped(task);
  runtime::Trainer trainer(options, dir, "");
  trainer.fit(wrapped);

  manual.module().zero_grad();
  const auto before = moezoo::testing::flat_parameters(manual.module()).clone();
  for (int i = 0; i < 2; ++i) {
    auto r = manual.train_batch(0, i, torch::kCPU);
    (r.loss / 2).backward();
  }
  std::vector<at::Tensor> grads;
  for (auto& p : manual.module().parameters()) grads.push_back(p.grad().flatten());
  const auto expected = before - 0.1 * torch::cat(grads);
  EXPECT_TRUE(torch::allclose(moezoo::testing::flat_parameters(task.module()), expected, 1e-6, 1e-7));
}

TEST(Checkpoint, CorruptTruncatedAndMismatchedCheckpointsGiveClearErrors) {
  const auto dir = moezoo::testing::temp_dir("checkpoint");
  moezoo::testing::ToyTask task;
  runtime::Trainer trainer(toy_options().epochs(1), dir, "");
  trainer.fit(task);
  const std::string bytes = read_file_bytes(dir / "last.pt");

  auto expect_error = [&](const std::filesystem::path& path, const std::string& needle) {
    moezoo::testing::ToyTask target;
    try {
      runtime::load_weights(path, target.module());
      FAIL() << "expected an error for " << path;
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(path.string()), std::string::npos) << what;
      EXPECT_NE(what.find(needle), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
    }
  };
  for (double fraction : {0.0, 0.1, 0.5, 0.9, 0.999}) {
    const auto cut = dir / ("cut_" + std::to_string(fraction) + ".pt");
    write_file_atomically(cut, bytes.substr(0, static_cast<size_t>(bytes.size() * fraction)));
    expect_error(cut, "checkpoint");
  }
  expect_error(dir / "missing.pt", "not found");

  // A checkpoint of a model with other shapes names the parameter.
  struct Wider : torch::nn::Module {
    Wider() {
      register_module("fc1", torch::nn::Linear(8, 64));
      register_module("drop", torch::nn::Dropout(0.2));
      register_module("fc2", torch::nn::Linear(64, 1));
    }
  } wider;
  torch::nn::Module& base = wider;
  try {
    runtime::load_weights(dir / "last.pt", base);
    FAIL() << "expected a shape error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fc1.weight"), std::string::npos) << e.what();
  }
}
