// The fused top-k router kernel against select_topk_aten on the CPU: indices exactly
// (inputs built without ties), scores, weights and histogram within the stated bounds
// (kernel_test_util.h), outputs poisoned first; gradients through TopKRouter; seeded
// bitwise repeatability. Skipped where no GPU is present.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

#include "core/kernels/cuda_router.h"
#include "core/kernels/fused_topk.h"
#include "core/routing/topk_router.h"
#include "core/routing/topk_selection.h"
#include "tests/core/kernels/kernel_test_util.h"

namespace moezoo::core {
namespace {

using moezoo::testing::bitwise_equal;
using moezoo::testing::cuda_tolerance;
using moezoo::testing::poisoned;
using moezoo::testing::rel_error;

struct RouterCase {
  int64_t T, E, k;
  ScoreFunction scoring;
  int64_t n_group, topk_group;
  GroupScore group_score;
  bool bias, normalize;
  double scaling;
  std::string label() const {
    return "T=" + std::to_string(T) + " E=" + std::to_string(E) + " k=" + std::to_string(k) + " " +
           to_string(scoring) + " groups=" + std::to_string(n_group) + "/" + std::to_string(topk_group);
  }
  TopKSelectionOptions options() const {
    return TopKSelectionOptions(k)
        .scoring(scoring)
        .n_group(n_group)
        .topk_group(topk_group)
        .group_score(group_score)
        .normalize_weights(normalize)
        .routed_scaling_factor(scaling);
  }
};

const RouterCase kCases[] = {
    {37, 8, 2, ScoreFunction::kSoftmax, 1, 1, GroupScore::kAuto, false, true, 1.0},     // Mixtral
    {1, 8, 2, ScoreFunction::kSoftmax, 1, 1, GroupScore::kAuto, true, true, 1.0},       // one token
    {300, 33, 3, ScoreFunction::kSoftmax, 1, 1, GroupScore::kAuto, true, false, 1.0},   // E not a multiple of 32
    {129, 128, 1, ScoreFunction::kSoftmax, 1, 1, GroupScore::kAuto, false, false, 1.0}, // Switch
    {64, 16, 4, ScoreFunction::kSoftmax, 4, 2, GroupScore::kMax, true, true, 1.0},      // DeepSeek-V2 style
    {200, 64, 8, ScoreFunction::kSigmoid, 8, 4, GroupScore::kAuto, true, true, 2.5},    // DeepSeek-V3, scaled down
    {1000, 256, 8, ScoreFunction::kSigmoid, 8, 4, GroupScore::kAuto, true, true, 2.5},  // DeepSeek-V3 shape
    {77, 256, 8, ScoreFunction::kSoftmax, 32, 3, GroupScore::kTop2Sum, false, true, 1.0},
    {5, 1, 1, ScoreFunction::kSigmoid, 1, 1, GroupScore::kAuto, false, true, 1.0},      // a single expert
};

/// Logits without ties (row-wise distinct multiples of 1/16, exact in bfloat16) plus a
/// float32 bias; both on the CPU.
std::pair<at::Tensor, at::Tensor> make_logits(const RouterCase& c, at::ScalarType dtype, uint64_t seed) {
  torch::manual_seed(seed);
  const at::Tensor perm = std::get<1>(torch::rand({c.T, c.E}).sort(1)).to(torch::kFloat);
  const at::Tensor logits = ((perm - c.E / 2) * 0.0625).to(dtype);
  const at::Tensor bias = c.bias ? torch::rand({c.E}) * 0.05 : at::Tensor();
  return {logits, bias};
}

void expect_routing_matches(const Routing& gpu, const Routing& cpu, at::ScalarType dtype, const std::string& label) {
  EXPECT_TRUE(torch::equal(gpu.expert_indices.cpu(), cpu.expert_indices)) << label << " indices";
  EXPECT_TRUE(torch::equal(gpu.keep_mask.cpu(), cpu.keep_mask)) << label << " keep mask";
  EXPECT_TRUE(torch::equal(gpu.tokens_per_expert.cpu(), cpu.tokens_per_expert)) << label << " tokens per expert";
  EXPECT_EQ(gpu.router_probs.scalar_type(), cpu.router_probs.scalar_type()) << label;
  EXPECT_EQ(gpu.combine_weights.scalar_type(), cpu.combine_weights.scalar_type()) << label;
  EXPECT_LT(rel_error(gpu.router_probs.detach().cpu(), cpu.router_probs.detach()), 1e-5) << label << " probs";
  EXPECT_LT(rel_error(gpu.combine_weights.detach().cpu(), cpu.combine_weights.detach()), cuda_tolerance(dtype))
      << label << " weights";
}

TEST(FusedRouter, KernelOutputsMatchTheAtenSelectionOnPoisonedBuffers) {
  MOEZOO_REQUIRE_CUDA();
  for (const at::ScalarType dtype : {at::kFloat, at::kBFloat16, at::kHalf}) {
    for (const RouterCase& c : kCases) {
      const std::string label = c.label() + " " + std::string(c10::toString(dtype));
      const auto [logits, bias] = make_logits(c, dtype, 11 + c.T);
      const TopKSelectionOptions options = c.options();
      const Routing want = select_topk_aten(logits, options, bias);

      kernels::FusedTopKParams p;
      p.k = c.k;
      p.sigmoid = c.scoring == ScoreFunction::kSigmoid;
      p.normalize = c.normalize;
      p.n_group = c.n_group;
      p.topk_group = c.topk_group;
      p.group_top2 = resolved_group_score(options) == GroupScore::kTop2Sum;
      p.scaling = c.scaling;
      const auto cuda = torch::TensorOptions().device(torch::kCUDA);
      const at::Tensor l = logits.cuda();
      ASSERT_TRUE(kernels::fused_topk_supported(l, p)) << label;
      at::Tensor indices = poisoned({c.T, c.k}, cuda.dtype(torch::kLong));
      at::Tensor counts = poisoned({c.E}, cuda.dtype(torch::kLong));
      at::Tensor probs = poisoned({c.T, c.E}, cuda.dtype(torch::kFloat));
      at::Tensor weights = poisoned({c.T, c.k}, cuda.dtype(dtype));
      at::Tensor keep = torch::zeros({c.T, c.k}, cuda.dtype(torch::kBool));  // "poisoned": all false
      kernels::fused_topk_out(l, bias.defined() ? bias.cuda() : bias, p, indices, counts, probs, weights, keep);

      EXPECT_TRUE(torch::equal(indices.cpu(), want.expert_indices)) << label << " indices";
      EXPECT_TRUE(torch::equal(counts.cpu(), torch::bincount(want.expert_indices.reshape({-1}), {}, c.E)))
          << label << " histogram";
      EXPECT_LT(rel_error(probs.cpu(), want.router_probs), 1e-5) << label << " probs";
      EXPECT_LT(rel_error(weights.cpu(), want.combine_weights), cuda_tolerance(dtype)) << label << " weights";
      EXPECT_TRUE(moezoo::testing::all_finite(weights)) << label;
      EXPECT_TRUE(keep.all().item<bool>()) << label << " keep mask";
    }
  }
}

TEST(FusedRouter, SelectTopkOnCudaMatchesCpuWithAndWithoutGradients) {
  MOEZOO_REQUIRE_CUDA();
  for (const at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
    for (const RouterCase& c : kCases) {
      const std::string label = c.label() + " " + std::string(c10::toString(dtype));
      const auto [logits, bias] = make_logits(c, dtype, 23 + c.T);
      const TopKSelectionOptions options = c.options();
      ASSERT_TRUE(select_topk_cuda_supported(logits.cuda(), options)) << label;

      // No gradient: the kernel's own probabilities and weights.
      {
        torch::NoGradGuard no_grad;
        moezoo::testing::poison_cuda_cache();
        expect_routing_matches(select_topk(logits.cuda(), options, bias.defined() ? bias.cuda() : bias),
                               select_topk(logits, options, bias), dtype, label + " no-grad");
      }
      // With gradients: weights recomputed from ATen probabilities; d(loss)/d(logits) as on the CPU.
      const at::Tensor l_cpu = logits.clone().requires_grad_(true);
      const at::Tensor l_gpu = logits.cuda().requires_grad_(true);
      const Routing cpu = select_topk(l_cpu, options, bias);
      const Routing gpu = select_topk(l_gpu, options, bias.defined() ? bias.cuda() : bias);
      expect_routing_matches(gpu, cpu, dtype, label + " grad");
      torch::manual_seed(5);
      const at::Tensor up_w = torch::randn({c.T, c.k}), up_p = torch::randn({c.T, c.E});
      ((cpu.combine_weights * up_w).sum() + (cpu.router_probs * up_p).sum()).backward();
      ((gpu.combine_weights * up_w.cuda()).sum() + (gpu.router_probs * up_p.cuda()).sum()).backward();
      EXPECT_LT(rel_error(l_gpu.grad().cpu(), l_cpu.grad()), cuda_tolerance(dtype)) << label << " d logits";
    }
  }
}

TEST(FusedRouter, TopKRouterWithCapacityAndBiasMatchesCpuIncludingGateGradients) {
  MOEZOO_REQUIRE_CUDA();
  // Inputs and gate weights are small multiples of 1/16, so that both devices compute
  // the same logits exactly; position-based capacity, so that the kept slots depend
  // on the indices only (not on last-bit differences between the devices' weights).
  const auto selection = TopKSelectionOptions(4)
                             .scoring(ScoreFunction::kSigmoid)
                             .n_group(8)
                             .topk_group(4)
                             .routed_scaling_factor(2.5)
                             .capacity_factor(1.25)
                             .drop_policy(DropPolicy::kPosition);
  TopKRouter cpu_router(TopKRouterOptions(32, 64).selection(selection));
  torch::manual_seed(71);
  {
    torch::NoGradGuard no_grad;
    cpu_router->gate->weight.copy_(torch::randint(-2, 3, {64, 32}) / 16.0);
    cpu_router->expert_bias.copy_(torch::rand({64}) * 0.05);
  }
  TopKRouter gpu_router(TopKRouterOptions(32, 64).selection(selection));
  {
    torch::NoGradGuard no_grad;
    gpu_router->gate->weight.copy_(cpu_router->gate->weight);
    gpu_router->expert_bias.copy_(cpu_router->expert_bias);
  }
  gpu_router->to(torch::kCUDA);
  const at::Tensor x = torch::randint(-2, 3, {512, 32}).to(torch::kFloat);
  const Routing cpu = cpu_router->route(x);
  const Routing gpu = gpu_router->route(x.cuda());
  expect_routing_matches(gpu, cpu, at::kFloat, "router");
  EXPECT_LT(gpu.keep_mask.sum().item<int64_t>(), 512 * 4) << "the capacity drops some slots";
  (cpu.combine_weights * cpu.keep_mask).sum().backward();
  (gpu.combine_weights * gpu.keep_mask).sum().backward();
  EXPECT_LT(rel_error(gpu_router->gate->weight.grad().cpu(), cpu_router->gate->weight.grad()), 1e-5);
}

TEST(FusedRouter, BitwiseReproducible) {
  MOEZOO_REQUIRE_CUDA();
  const RouterCase& c = kCases[6];
  const auto [logits, bias] = make_logits(c, at::kFloat, 3);
  const at::Tensor l = (logits + torch::randn_like(logits) * 0.01).cuda(), b = bias.cuda();
  const auto run = [&] {
    torch::NoGradGuard no_grad;
    const Routing r = select_topk(l, c.options(), b);
    return std::vector<at::Tensor>{r.expert_indices, r.combine_weights, r.router_probs, r.tokens_per_expert};
  };
  const auto a = run(), again = run();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(bitwise_equal(a[i], again[i])) << i;
}

TEST(FusedRouter, UnsupportedShapesFallBackToAten) {
  MOEZOO_REQUIRE_CUDA();
  kernels::FusedTopKParams p;
  p.k = 9;
  EXPECT_FALSE(kernels::fused_topk_supported(torch::zeros({4, 16}, torch::kCUDA), p)) << "k > 8";
  p.k = 2;
  EXPECT_FALSE(kernels::fused_topk_supported(torch::zeros({4, 512}, torch::kCUDA), p)) << "E > 256";
  EXPECT_FALSE(kernels::fused_topk_supported(torch::zeros({4, 16}, torch::kCUDA).to(torch::kDouble), p)) << "double";
  EXPECT_FALSE(kernels::fused_topk_supported(torch::zeros({4, 16}), p)) << "CPU";
  // The fallback still routes correctly.
  torch::manual_seed(9);
  const at::Tensor logits = torch::randn({50, 300});
  const Routing cpu = select_topk(logits, TopKSelectionOptions(3));
  const Routing gpu = select_topk(logits.cuda(), TopKSelectionOptions(3));
  EXPECT_TRUE(torch::equal(gpu.expert_indices.cpu(), cpu.expert_indices));
}

}  // namespace
}  // namespace moezoo::core
