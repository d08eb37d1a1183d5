// The trainer's view of MoE layers: step and epoch balance metrics in metrics.csv,
// the per-epoch load in expert_load.csv (every kept assignment counted once), the
// expert-load heatmap in report.md, and the expert-bias update after each step.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <numeric>
#include <sstream>

#include "core/moe/moe_layer.h"
#include "core/runtime/metrics_table.h"
#include "core/runtime/routing_monitor.h"
#include "core/runtime/trainer.h"
#include "tests/support/test_data.h"

namespace {

using namespace moezoo;

constexpr int64_t kSamples = 96, kBatch = 16, kExperts = 4, kTopK = 2;

core::MoELayerOptions layer_options() {
  core::MoELayerOptions o(8, 16, kExperts);
  o.router().k(kTopK);
  o.balancer().bias_update_rate(0.05);
  return o;
}

struct TwoMoENetImpl : torch::nn::Module {
  TwoMoENetImpl() {
    first = register_module("first", core::MoELayer(layer_options()));
    second = register_module("second", core::MoELayer(layer_options()));
    head = register_module("head", torch::nn::Linear(8, 1));
  }
  at::Tensor forward(const at::Tensor& x) { core::AuxLosses* no_aux = nullptr;
    return head(second->forward(first->forward(x, no_aux), no_aux)); }
  core::MoELayer first{nullptr}, second{nullptr};
  torch::nn::Linear head{nullptr};
};
TORCH_MODULE(TwoMoENet);

class MoETask : public runtime::TrainTask {
 public:
  MoETask() {
    torch::manual_seed(3);
    net_ = TwoMoENet();
    // A skewed gate: expert 0 wins most tokens until the bias corrects it.
    torch::NoGradGuard no_grad;
    net_->first->router()->named_parameters()["gate.weight"][0].add_(1.5);
    auto gen = at::make_generator<at::CPUGeneratorImpl>(7);
    x_ = torch::randn({kSamples, 8}, gen).abs();
    y_ = x_.sum(1, true).sin();
  }
  torch::nn::Module& module() override { return *net_; }
  int64_t batches_per_epoch() const override { return kSamples / kBatch; }
  runtime::StepResult train_batch(int64_t, int64_t index, const c10::Device&) override {
    runtime::StepResult r;
    r.loss = torch::mse_loss(net_->forward(x_.slice(0, index * kBatch, (index + 1) * kBatch)),
                             y_.slice(0, index * kBatch, (index + 1) * kBatch));
    return r;
  }
  std::map<std::string, double> evaluate(const c10::Device&) override {
    return {{"mse", torch::mse_loss(net_->forward(x_), y_).item<double>()}};
  }
  TwoMoENet net_{nullptr};

 private:
  at::Tensor x_, y_;
};

at::Tensor net_bias(MoETask& task) { return *task.net_->first->router()->named_buffers().find("expert_bias"); }

TEST(RoutingMonitor, FindsEveryMoELayerByName) {
  TwoMoENet net;
  runtime::RoutingMonitor monitor(*net);
  EXPECT_EQ(monitor.layer_names(), (std::vector<std::string>{"model.first", "model.second"}));
  torch::nn::Linear plain(3, 3);
  EXPECT_TRUE(runtime::RoutingMonitor(*plain).empty());
}

TEST(RoutingMonitor, TrainerLogsBalanceAndLoadAndAppliesTheExpertBias) {
  const auto dir = moezoo::testing::temp_dir("routing_monitor");
  MoETask task;
  const at::Tensor bias_before = net_bias(task).clone();
  constexpr int64_t kEpochs = 3;
  auto options = runtime::TrainOptions().epochs(kEpochs).lr(1e-3).log_every(2).progress(false).threads(1);
  runtime::Trainer trainer(options, dir, "train: {}\n", "moe toy");
  trainer.fit(task);

  // The bias moved away from zero, against the skew: expert 0 got the lowest bias.
  const at::Tensor bias = net_bias(task);
  EXPECT_FALSE(torch::equal(bias, bias_before));
  EXPECT_EQ(bias.argmin().item<int64_t>(), 0);

  const auto table = runtime::MetricsTable::read_csv(dir / "metrics.csv");
  const auto cv = table.series("moe/cv");
  ASSERT_EQ(cv.size(), static_cast<size_t>(kEpochs * task.batches_per_epoch() / 2));
  for (const auto& [step, value] : cv) EXPECT_TRUE(std::isfinite(value) && value >= 0) << step;
  EXPECT_FALSE(table.series("moe/max_vio").empty());
  EXPECT_FALSE(table.series("moe/entropy").empty());
  const auto epoch_cv = table.series("moe/model.first/cv");
  ASSERT_EQ(epoch_cv.size(), static_cast<size_t>(kEpochs));
  EXPECT_EQ(epoch_cv.back().first, kEpochs * task.batches_per_epoch());
  EXPECT_EQ(table.series("moe/model.second/dead_experts").size(), static_cast<size_t>(kEpochs));

  // expert_load.csv: every epoch, layer and expert; each layer's epoch load is every
  // token's k assignments (no capacity, nothing dropped), shares sum to 1.
  std::ifstream csv(dir / "expert_load.csv");
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "epoch,layer,expert,load,share");
  std::map<std::pair<int, std::string>, std::pair<double, double>> totals;
  int rows = 0;
  while (std::getline(csv, line)) {
    std::stringstream fields(line);
    std::string epoch, layer, expert, load, share;
    std::getline(fields, epoch, ',');
    std::getline(fields, layer, ',');
    std::getline(fields, expert, ',');
    std::getline(fields, load, ',');
    std::getline(fields, share, ',');
    auto& cell = totals[{std::stoi(epoch), layer}];
    cell.first += std::stod(load);
    cell.second += std::stod(share);
    ++rows;
  }
  EXPECT_EQ(rows, kEpochs * 2 * kExperts);
  for (const auto& [key, cell] : totals) {
    EXPECT_EQ(cell.first, kSamples * kTopK) << key.first << " " << key.second;
    EXPECT_NEAR(cell.second, 1.0, 1e-12);
  }

  EXPECT_TRUE(std::filesystem::exists(dir / "plots" / "expert_load.png"));
  EXPECT_TRUE(std::filesystem::exists(dir / "plots" / "load_balance.png"));
  std::ifstream report(dir / "report.md");
  const std::string text((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("plots/expert_load.png"), std::string::npos);
}

}  // namespace
