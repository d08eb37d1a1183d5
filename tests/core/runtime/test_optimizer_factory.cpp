// The optimizer factory: weight decay on every parameter, or on named ones only.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/runtime/optimizer_factory.h"
#include "tests/support/error_matchers.h"

namespace moezoo::runtime {
namespace {

struct TwoLayersImpl : torch::nn::Module {
  TwoLayersImpl() {
    first = register_module("first", torch::nn::Linear(3, 4));
    second = register_module("second", torch::nn::Linear(4, 2));
  }
  torch::nn::Linear first{nullptr}, second{nullptr};
};
TORCH_MODULE(TwoLayers);

/// One optimizer step with all-zero loss gradients: only weight decay moves anything.
std::map<std::string, bool> moved_by_decay(torch::optim::Optimizer& optimizer, TwoLayers& net) {
  std::map<std::string, at::Tensor> before;
  for (const auto& p : net->named_parameters()) {
    before[p.key()] = p.value().detach().clone();
    p.value().mutable_grad() = torch::zeros_like(p.value());
  }
  optimizer.step();
  std::map<std::string, bool> moved;
  for (const auto& p : net->named_parameters()) moved[p.key()] = !torch::equal(before[p.key()], p.value());
  return moved;
}

TEST(OptimizerFactory, DecaysOnlyTheNamedParameters) {
  // 0.01 is AdamW's own default decay, 0.5 is not: both must reach the named layer only.
  for (const auto& [kind, decay] : std::vector<std::pair<std::string, double>>{
           {"adam", 0.5}, {"adamw", 0.5}, {"adamw", 0.01}, {"sgd", 0.5}}) {
    TwoLayers net;
    const auto options =
        TrainOptions().optimizer(kind).lr(0.1).weight_decay(decay).weight_decay_params({"first."});
    auto optimizer = make_optimizer(options, *net);
    ASSERT_EQ(optimizer->param_groups().size(), 2u) << kind;
    EXPECT_EQ(optimizer->param_groups()[0].params().size(), 2u) << kind;  // first.weight, first.bias
    const auto moved = moved_by_decay(*optimizer, net);
    EXPECT_TRUE(moved.at("first.weight") && moved.at("first.bias")) << kind;
    EXPECT_FALSE(moved.at("second.weight") || moved.at("second.bias")) << kind;
  }
}

TEST(OptimizerFactory, DecaysEveryParameterByDefault) {
  TwoLayers net;
  auto optimizer = make_optimizer(TrainOptions().optimizer("adam").lr(0.1).weight_decay(0.5), *net);
  ASSERT_EQ(optimizer->param_groups().size(), 1u);
  for (const auto& [name, moved] : moved_by_decay(*optimizer, net)) EXPECT_TRUE(moved) << name;
  set_lr(*optimizer, 0.25);
  EXPECT_DOUBLE_EQ(optimizer->param_groups()[0].options().get_lr(), 0.25);
}

TEST(OptimizerFactory, APrefixThatNamesNoParameterIsAnError) {
  TwoLayers net;
  EXPECT_TRUE(testing::throws_error_with(
      [&] { make_optimizer(TrainOptions().weight_decay(0.1).weight_decay_params({"layers.0."}), *net); },
      {"train.weight_decay_params", "'layers.0.'", "first.weight"}));
}

}  // namespace
}  // namespace moezoo::runtime
