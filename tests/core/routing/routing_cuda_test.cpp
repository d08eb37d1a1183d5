// The routers, capacity and losses on a GPU against the same computation on the CPU,
// and seeded determinism there. Skipped where no GPU is present.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/balancing/balancing_losses.h"
#include "core/routing/expert_choice_router.h"
#include "core/routing/topk_router.h"

namespace moezoo::core {
namespace {

#define MOEZOO_REQUIRE_CUDA() \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device"

TEST(RoutingCuda, TopKWithGroupsBiasAndCapacityMatchesCpu) {
  MOEZOO_REQUIRE_CUDA();
  torch::manual_seed(61);
  const auto selection = TopKSelectionOptions(4)
                             .scoring(ScoreFunction::kSigmoid)
                             .n_group(4)
                             .topk_group(2)
                             .capacity_factor(1.0)
                             .drop_policy(DropPolicy::kProbability);
  TopKRouter router(TopKRouterOptions(16, 16).selection(selection));
  {
    torch::NoGradGuard no_grad;
    router->expert_bias.copy_(torch::linspace(-0.1, 0.1, 16));
  }
  router->to(torch::kDouble);  // double: no near-ties that rounding could flip between devices
  const at::Tensor x = torch::randn({256, 16}, torch::kDouble);
  const Routing cpu = router->route(x);
  router->to(torch::kCUDA);
  const Routing gpu = router->route(x.cuda());
  EXPECT_TRUE(torch::equal(gpu.expert_indices.cpu(), cpu.expert_indices));
  EXPECT_TRUE(torch::equal(gpu.keep_mask.cpu(), cpu.keep_mask));
  EXPECT_TRUE(torch::equal(gpu.tokens_per_expert.cpu(), cpu.tokens_per_expert));
  EXPECT_TRUE(torch::allclose(gpu.combine_weights.cpu(), cpu.combine_weights, 1e-12, 0));
  for (int policy = 0; policy < 2; ++policy) {
    const DropPolicy p = policy == 0 ? DropPolicy::kProbability : DropPolicy::kPosition;
    EXPECT_TRUE(torch::equal(capacity_keep_mask(gpu.expert_indices, gpu.combine_weights, 16, 40, p).cpu(),
                             capacity_keep_mask(cpu.expert_indices, cpu.combine_weights, 16, 40, p)));
  }
  EXPECT_NEAR(switch_load_balancing_loss(gpu).item<double>(), switch_load_balancing_loss(cpu).item<double>(), 1e-12);
  EXPECT_NEAR(sequence_balance_loss(gpu, 64).item<double>(), sequence_balance_loss(cpu, 64).item<double>(), 1e-12);
  EXPECT_NEAR(router_z_loss(gpu).item<double>(), router_z_loss(cpu).item<double>(), 1e-12);
}

TEST(RoutingCuda, SeededNoisyRoutingIsBitwiseDeterministic) {
  MOEZOO_REQUIRE_CUDA();
  const auto run = [] {
    torch::manual_seed(62);
    TopKRouter router(TopKRouterOptions(32, 8).jitter_eps(0.01).noisy_gating(true));
    router->to(torch::kCUDA);
    router->train();
    const at::Tensor x = torch::randn({4096, 32}, torch::kCUDA);
    const Routing r = router->route(x);
    const at::Tensor loss = sequence_balance_loss(r, 512) + switch_load_balancing_loss(r);
    loss.backward();
    return std::make_tuple(r.expert_indices.cpu(), r.combine_weights.detach().cpu(), loss.detach().cpu(),
                           router->gate->weight.grad().cpu());
  };
  const auto a = run(), b = run();
  EXPECT_TRUE(torch::equal(std::get<0>(a), std::get<0>(b)));
  EXPECT_TRUE(torch::equal(std::get<1>(a), std::get<1>(b)));
  EXPECT_TRUE(torch::equal(std::get<2>(a), std::get<2>(b)));
  EXPECT_TRUE(torch::equal(std::get<3>(a), std::get<3>(b)));
}

TEST(RoutingCuda, ExpertChoiceMatchesCpu) {
  MOEZOO_REQUIRE_CUDA();
  torch::manual_seed(63);
  ExpertChoiceRouter router(ExpertChoiceRouterOptions(8, 4).capacity_factor(2.0));
  router->to(torch::kDouble);
  const at::Tensor x = torch::randn({100, 8}, torch::kDouble);
  const Routing cpu = router->route(x);
  router->to(torch::kCUDA);
  const Routing gpu = router->route(x.cuda());
  EXPECT_TRUE(torch::equal(gpu.keep_mask.cpu(), cpu.keep_mask));
  EXPECT_TRUE(torch::allclose(gpu.combine_weights.cpu(), cpu.combine_weights, 1e-12, 1e-15));
}

}  // namespace
}  // namespace moezoo::core
