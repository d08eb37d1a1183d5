// The MoE layer end to end on CUDA (fused router, CUDA dispatcher, grouped matmul
// chosen by kAuto) against the same layer on the CPU: output, the auxiliary losses
// and the gradient of the input and of every parameter. Bounds (relative to the
// largest magnitude): 2e-5 for a float32 layer, 5e-2 for a bfloat16 layer against the
// float32 CPU layer (its weights rounded to bfloat16, two matmuls, float32
// accumulation). The gate sees inputs that make the logits exact, distinct multiples
// of 1/16 on both devices (in bfloat16 too), so both choose the same experts.
// Skipped where no GPU is present.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/moe/moe_layer.h"
#include "tests/core/kernels/kernel_test_util.h"

namespace moezoo::core {
namespace {

using moezoo::testing::bitwise_equal;
using moezoo::testing::rel_error;

constexpr int64_t kT = 64, kD = 16, kH = 32, kE = 8;

struct LayerCase {
  std::string name;
  ExpertKind kind;
  std::string scoring;
  int64_t n_group, topk_group, shared;
  double capacity_factor;
  bool expert_bias;  // auxiliary-loss-free balancing bias e / 1024 (exact in bfloat16, no ties)
};

const LayerCase kCases[] = {
    {"gelu softmax shared", ExpertKind::kGeluMlp, "softmax", 1, 1, 1, 0.0, false},
    {"swiglu sigmoid groups bias", ExpertKind::kSwiGlu, "sigmoid", 4, 2, 0, 0.0, true},
    {"gelu softmax capacity", ExpertKind::kGeluMlp, "softmax", 1, 1, 0, 1.0, false},
};

MoELayer make_layer(const LayerCase& c) {
  MoELayerOptions o(kD, kH, kE);
  o.expert_kind(c.kind).num_shared_experts(c.shared);
  o.router(RouterOptions("topk", kD, kE)
               .k(2)
               .scoring(c.scoring)
               .n_group(c.n_group)
               .topk_group(c.topk_group)
               .capacity_factor(c.capacity_factor)
               .drop_policy("position"));
  o.balancer(BalancerOptions().switch_coef(1e-2).z_coef(1e-3));
  torch::manual_seed(5);
  MoELayer layer(o);
  torch::NoGradGuard no_grad;
  for (auto& p : layer->named_parameters(/*recurse=*/true)) {
    // Gate: logits[t, e] = x[t, e] / 16 (see make_input).
    if (p.key() == "router.gate.weight") p.value().copy_(torch::eye(kE, kD) / 16.0);
  }
  for (auto& b : layer->named_buffers(/*recurse=*/true))
    if (b.key() == "router.expert_bias" && c.expert_bias) b.value().copy_(torch::arange(kE).to(torch::kFloat) / 1024.0);
  return layer;
}

/// x[t, 0:7] a permutation of -3..3, x[t, 7] = -6 (expert 7 never chosen), the rest
/// random small integers: exact in bfloat16, distinct logits per token.
at::Tensor make_input() {
  torch::manual_seed(17);
  const at::Tensor perm = std::get<1>(torch::rand({kT, kE - 1}).sort(1)).to(torch::kFloat) - 3.0;
  return torch::cat({perm, torch::full({kT, 1}, -6.0), torch::randint(-2, 3, {kT, kD - kE}).to(torch::kFloat)}, 1);
}

struct Outputs {
  at::Tensor y, aux, dx;
  std::vector<std::pair<std::string, at::Tensor>> grads;
};

Outputs forward_backward(MoELayer& layer, const at::Tensor& x_in, const at::Tensor& up) {
  const at::Tensor x = x_in.detach().requires_grad_(true);
  AuxLosses aux;
  const at::Tensor y = layer->forward(x, &aux);
  const at::Tensor loss = (y * up.to(y.scalar_type())).sum() + aux.total();
  loss.backward();
  Outputs o;
  o.y = y.detach().to(torch::kFloat).cpu();
  o.aux = aux.total().detach().to(torch::kFloat).cpu();
  o.dx = x.grad().to(torch::kFloat).cpu();
  for (const auto& p : layer->named_parameters())
    o.grads.emplace_back(p.key(), p.value().grad().defined() ? p.value().grad().to(torch::kFloat).cpu()
                                                               : torch::zeros_like(p.value()).to(torch::kFloat).cpu());
  return o;
}

TEST(CudaMoELayer, MatchesTheCpuLayerInFloat32AndBfloat16) {
  MOEZOO_REQUIRE_CUDA();
  const at::Tensor x = make_input();
  torch::manual_seed(3);
  const at::Tensor up = torch::randn({kT, kD});
  for (const LayerCase& c : kCases) {
    MoELayer cpu_layer = make_layer(c);
    const Outputs want = forward_backward(cpu_layer, x, up);
    const at::Tensor want_indices = cpu_layer->last_routing().expert_indices;
    for (const at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
      const std::string label = c.name + " " + std::string(c10::toString(dtype));
      MoELayer layer = make_layer(c);
      layer->to(torch::kCUDA, dtype);
      moezoo::testing::poison_cuda_cache();
      const Outputs got = forward_backward(layer, x.to(torch::kCUDA, dtype), up.cuda());
      EXPECT_TRUE(torch::equal(layer->last_routing().expert_indices.cpu(), want_indices)) << label << " experts";
      const double tol = dtype == at::kFloat ? 2e-5 : 5e-2;
      EXPECT_LT(rel_error(got.y, want.y), tol) << label << " y";
      EXPECT_LT(rel_error(got.aux, want.aux), tol) << label << " aux";
      EXPECT_LT(rel_error(got.dx, want.dx), tol) << label << " dx";
      ASSERT_EQ(got.grads.size(), want.grads.size());
      for (size_t i = 0; i < got.grads.size(); ++i) {
        EXPECT_LT(rel_error(got.grads[i].second, want.grads[i].second), tol) << label << " d " << got.grads[i].first;
        EXPECT_TRUE(moezoo::testing::all_finite(got.grads[i].second)) << label << " d " << got.grads[i].first;
      }
    }
  }
}

TEST(CudaMoELayer, SeededForwardBackwardIsBitwiseReproducible) {
  MOEZOO_REQUIRE_CUDA();
  for (const at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
    const auto run = [&] {
      MoELayer layer = make_layer(kCases[1]);
      layer->to(torch::kCUDA, dtype);
      torch::manual_seed(8);
      const at::Tensor x = torch::randn({kT, kD}).to(torch::kCUDA, dtype);
      return forward_backward(layer, x, torch::ones({kT, kD}, torch::kCUDA));
    };
    const Outputs a = run(), b = run();
    EXPECT_TRUE(bitwise_equal(a.y, b.y) && bitwise_equal(a.dx, b.dx)) << c10::toString(dtype);
    for (size_t i = 0; i < a.grads.size(); ++i)
      EXPECT_TRUE(bitwise_equal(a.grads[i].second, b.grads[i].second)) << a.grads[i].first;
  }
}

}  // namespace
}  // namespace moezoo::core
