#include <gtest/gtest.h>

#include <torch/torch.h>

#include <ATen/autocast_mode.h>

#include "core/runtime/autocast_scope.h"
#include "core/runtime/reproducibility.h"
#include "core/runtime/weight_ema.h"
#include "core/util/error.h"

using namespace moezoo;

TEST(WeightEma, FollowsTheRecurrenceAndSwapsBack) {
  torch::nn::Linear layer(2, 1);
  torch::NoGradGuard no_grad;
  layer->weight.fill_(1.0);
  layer->bias.fill_(0.0);
  runtime::WeightEma ema(*layer, 0.5);
  layer->weight.fill_(3.0);
  ema.update(*layer);  // 0.5 * 1 + 0.5 * 3 = 2
  layer->weight.fill_(4.0);
  ema.update(*layer);  // 0.5 * 2 + 0.5 * 4 = 3
  ema.swap_into(*layer);
  EXPECT_TRUE(torch::allclose(layer->weight, torch::full({1, 2}, 3.0)));
  ema.swap_into(*layer);
  EXPECT_TRUE(torch::allclose(layer->weight, torch::full({1, 2}, 4.0)));
  {
    runtime::EmaSwapGuard guard(&ema, *layer);
    EXPECT_TRUE(torch::allclose(layer->weight, torch::full({1, 2}, 3.0)));
  }
  EXPECT_TRUE(torch::allclose(layer->weight, torch::full({1, 2}, 4.0)));
}

TEST(Reproducibility, DeviceNamesResolveOrFailClearly) {
  EXPECT_EQ(runtime::resolve_device("cpu"), c10::Device(c10::kCPU));
  if (!torch::cuda::is_available()) {
    EXPECT_EQ(runtime::resolve_device("auto"), c10::Device(c10::kCPU));
    try {
      runtime::resolve_device("cuda");
      FAIL();
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("no GPU is available"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(runtime::resolve_device("gpu0"), Error);
}

TEST(Reproducibility, RngStateRoundTripContinuesTheStream) {
  runtime::seed_everything(42);
  (void)torch::rand({3});
  torch::serialize::OutputArchive out;
  runtime::save_rng_state(out);
  const auto expected = torch::rand({5});
  std::ostringstream buffer;
  out.save_to(buffer);
  (void)torch::rand({100});  // move the stream on
  torch::serialize::InputArchive in;
  std::istringstream input(buffer.str());
  in.load_from(input);
  runtime::load_rng_state(in);
  EXPECT_TRUE(torch::equal(torch::rand({5}), expected));
}

TEST(AutocastScope, EnablesBf16OnCudaAndRestoresThePreviousState) {
  // The flags are process state, so this runs without a GPU; the numerics of bf16
  // kernels are LibTorch's and run in the GPU session's tests.
  ASSERT_FALSE(at::autocast::is_autocast_enabled(at::kCUDA));
  at::autocast::set_autocast_dtype(at::kCUDA, at::kHalf);
  {
    runtime::AutocastScope scope(true);
    EXPECT_TRUE(at::autocast::is_autocast_enabled(at::kCUDA));
    EXPECT_EQ(at::autocast::get_autocast_dtype(at::kCUDA), at::kBFloat16);
    EXPECT_FALSE(at::autocast::is_autocast_enabled(at::kCPU));
  }
  EXPECT_FALSE(at::autocast::is_autocast_enabled(at::kCUDA));
  EXPECT_EQ(at::autocast::get_autocast_dtype(at::kCUDA), at::kHalf);
  {
    runtime::AutocastScope off(false);
    EXPECT_FALSE(at::autocast::is_autocast_enabled(at::kCUDA));
  }
}
