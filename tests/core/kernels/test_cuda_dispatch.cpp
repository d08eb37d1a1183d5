// The CUDA dispatch kernels (permute / unpermute) against the CPU path: the plan
// exactly (make_dispatch_plan_cpu's order), the gather exactly, combine and every
// gradient within the stated bounds (kernel_test_util.h), on shapes with empty
// experts, uneven loads, dropped slots, all slots dropped and no tokens; outputs
// poisoned first; bitwise repeatability. Skipped where no GPU is present (except the
// factory test).

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/dispatch/cpu_dispatcher.h"
#include "core/dispatch/dispatcher.h"
#include "core/kernels/cuda_dispatcher.h"
#include "core/kernels/permute.h"
#include "core/util/error.h"
#include "tests/core/kernels/kernel_test_util.h"

namespace moezoo::core {
namespace {

using moezoo::testing::bitwise_equal;
using moezoo::testing::cuda_tolerance;
using moezoo::testing::kPoison;
using moezoo::testing::poisoned;
using moezoo::testing::rel_error;

struct Shape {
  int64_t T, k, E, empty_tail;
  double drop;
  std::string label() const {
    return "T=" + std::to_string(T) + " k=" + std::to_string(k) + " E=" + std::to_string(E) +
           " empty=" + std::to_string(empty_tail) + " drop=" + std::to_string(drop);
  }
};

const Shape kShapes[] = {
    {1, 1, 1, 0, 0.0},      {37, 2, 6, 2, 0.2},   {300, 8, 64, 5, 0.1}, {1500, 4, 256, 17, 0.0},
    {9, 2, 3, 0, 1.0},      {0, 2, 4, 0, 0.0},    {2048, 2, 8, 0, 0.0}, {700, 8, 4096, 100, 0.05},
    {100, 2, 5000, 0, 0.0},  // more experts than the plan kernels take: the ATen plan
};

/// A routing on the CPU: experts >= E - empty_tail get nothing, expert 0 about a third
/// of the slots (uneven load), a fraction `drop` of the slots dropped.
Routing make_routing(const Shape& s, at::ScalarType dtype, uint64_t seed) {
  torch::manual_seed(seed);
  const int64_t live = s.E - s.empty_tail;
  at::Tensor idx = torch::randint(live, {s.T, s.k}, torch::kLong);
  idx = torch::where(torch::rand({s.T, s.k}) < 0.33, torch::zeros_like(idx), idx);
  Routing r;
  r.expert_indices = idx;
  r.combine_weights = torch::rand({s.T, s.k}, torch::TensorOptions().dtype(dtype)) + 0.1;
  r.keep_mask = torch::rand({s.T, s.k}) >= s.drop;
  r.num_experts = s.E;
  r.tokens_per_expert = torch::zeros({s.E}, torch::kLong);
  return r;
}

Routing to_cuda(const Routing& r) {
  Routing g = r;
  g.expert_indices = r.expert_indices.cuda();
  g.combine_weights = r.combine_weights.cuda();
  g.keep_mask = r.keep_mask.cuda();
  g.tokens_per_expert = r.tokens_per_expert.cuda();
  return g;
}

TEST(CudaDispatchPlan, EqualsTheCpuCountingSortExactly) {
  MOEZOO_REQUIRE_CUDA();
  for (const Shape& s : kShapes) {
    const Routing r = make_routing(s, at::kFloat, 7 + s.T);
    const DispatchPlan want = make_dispatch_plan_cpu(r);
    moezoo::testing::poison_cuda_cache();
    const DispatchPlan got = make_dispatch_plan_cuda(to_cuda(r));
    SCOPED_TRACE(s.label());
    EXPECT_EQ(got.offsets, want.offsets);
    EXPECT_EQ(got.num_tokens, want.num_tokens);
    EXPECT_EQ(got.top_k, want.top_k);
    EXPECT_EQ(got.num_experts, want.num_experts);
    EXPECT_TRUE(got.token_index.is_cuda() && got.slot_position.is_cuda() && got.expert_offsets.is_cuda());
    EXPECT_TRUE(torch::equal(got.token_index.cpu(), want.token_index));
    EXPECT_TRUE(torch::equal(got.slot_index.cpu(), want.slot_index));
    EXPECT_TRUE(torch::equal(got.slot_position.cpu(), want.slot_position));
    EXPECT_TRUE(torch::equal(got.expert_offsets.cpu(), want.expert_offsets));
  }
}

TEST(CudaDispatchPlan, KernelWritesEveryOutputOfPoisonedBuffers) {
  MOEZOO_REQUIRE_CUDA();
  for (const Shape& s : kShapes) {
    if (s.E > kernels::kPlanMaxExperts) continue;
    const Routing r = make_routing(s, at::kFloat, 17 + s.T);
    const DispatchPlan want = make_dispatch_plan_cpu(r);
    const auto opts = torch::TensorOptions().dtype(torch::kLong).device(torch::kCUDA);
    at::Tensor token = poisoned({s.T * s.k}, opts), slot = poisoned({s.T * s.k}, opts);
    at::Tensor pos = poisoned({s.T, s.k}, opts), offsets = poisoned({s.E + 2}, opts);
    kernels::dispatch_plan_out(r.expert_indices.cuda(), r.keep_mask.cuda(), s.E, token, slot, pos, offsets);
    SCOPED_TRACE(s.label());
    const int64_t A = want.num_rows();
    EXPECT_TRUE(torch::equal(offsets.cpu().narrow(0, 0, s.E + 1), want.expert_offsets));
    EXPECT_EQ(offsets.cpu()[s.E + 1].item<int64_t>(), 0) << "error flag";
    EXPECT_TRUE(torch::equal(token.cpu().narrow(0, 0, A), want.token_index));
    EXPECT_TRUE(torch::equal(slot.cpu().narrow(0, 0, A), want.slot_index));
    EXPECT_TRUE(torch::equal(pos.cpu(), want.slot_position));
    // Rows past A are not the plan's: left as they were.
    EXPECT_TRUE(torch::equal(token.cpu().narrow(0, A, s.T * s.k - A), torch::full({s.T * s.k - A}, kPoison, torch::kLong)));
  }
}

TEST(CudaDispatchPlan, RejectsKeptExpertsOutOfRangeOnly) {
  MOEZOO_REQUIRE_CUDA();
  Routing r = make_routing({8, 2, 4, 0, 0.0}, at::kFloat, 1);
  r.keep_mask.fill_(true);
  r.expert_indices[3][1] = 4;
  EXPECT_THROW(make_dispatch_plan_cuda(to_cuda(r)), moezoo::Error);
  r.expert_indices[3][1] = -1;
  EXPECT_THROW(make_dispatch_plan_cuda(to_cuda(r)), moezoo::Error);
  r.keep_mask[3][1] = false;  // a dropped slot may hold anything
  EXPECT_NO_THROW(make_dispatch_plan_cuda(to_cuda(r)));
  EXPECT_THROW(make_dispatch_plan_cuda(r), moezoo::Error) << "CPU routing";
}

/// A per-expert row map standing in for the experts: g_e(x) = (e + 1) x + e tanh(x).
at::Tensor expert_map(int64_t e, const at::Tensor& x) {
  return x * static_cast<double>(e + 1) + torch::tanh(x) * static_cast<double>(e);
}

at::Tensor through_dispatcher(const Dispatcher& d, const at::Tensor& x, const Routing& r, int64_t n_out) {
  const DispatchPlan plan = d.plan(r);
  const at::Tensor xs = d.dispatch(x, plan);
  std::vector<at::Tensor> parts;
  for (int64_t e = 0; e < plan.num_experts; ++e)
    if (plan.count(e) > 0) parts.push_back(expert_map(e, xs.narrow(0, plan.offsets[e], plan.count(e))));
  at::Tensor ys = parts.empty() ? xs : torch::cat(parts);
  if (n_out != x.size(1)) ys = ys.narrow(1, 0, n_out);  // N != D: the combine reads another width
  return d.combine(ys, r.combine_weights, plan);
}

TEST(CudaDispatcher, DispatchCombineAndEveryGradientMatchTheCpuDispatcher) {
  MOEZOO_REQUIRE_CUDA();
  CpuDispatcher cpu;
  CudaDispatcher gpu;
  for (const at::ScalarType dtype : {at::kFloat, at::kBFloat16, at::kHalf, at::kDouble}) {
    for (const Shape& s : kShapes) {
      if (s.E > 300 && dtype != at::kFloat) continue;  // the large-E shapes once
      // D = 64: 16-byte packs; D = 13: element by element; N = 8 < D.
      for (const auto& [D, N] : std::vector<std::pair<int64_t, int64_t>>{{64, 64}, {13, 13}, {24, 8}}) {
        const std::string label = s.label() + " D=" + std::to_string(D) + " N=" + std::to_string(N) + " " +
                                  std::string(c10::toString(dtype));
        const Routing r = make_routing(s, dtype, 31 + s.T + D);
        const at::Tensor x = torch::randn({s.T, D}, torch::TensorOptions().dtype(dtype));
        const at::Tensor up = torch::randn({s.T, N}, torch::TensorOptions().dtype(dtype));
        // CPU reference in the same dtype (float32 accumulation, as the kernels).
        const at::Tensor xc = x.clone().requires_grad_(true), wc = r.combine_weights.clone().requires_grad_(true);
        Routing rc = r;
        rc.combine_weights = wc;
        const at::Tensor out_c = through_dispatcher(cpu, xc, rc, N);
        out_c.backward(up);
        // CUDA.
        const at::Tensor xg = x.cuda().requires_grad_(true), wg = r.combine_weights.cuda().requires_grad_(true);
        Routing rg = to_cuda(r);
        rg.combine_weights = wg;
        moezoo::testing::poison_cuda_cache();
        const at::Tensor out_g = through_dispatcher(gpu, xg, rg, N);
        out_g.backward(up.cuda());
        const double tol = cuda_tolerance(dtype);
        ASSERT_TRUE(xg.grad().defined() && wg.grad().defined() && xc.grad().defined() && wc.grad().defined())
            << label;
        EXPECT_LT(rel_error(out_g.detach().cpu(), out_c.detach()), tol) << label << " out";
        EXPECT_LT(rel_error(xg.grad().cpu(), xc.grad()), tol) << label << " d x";
        EXPECT_LT(rel_error(wg.grad().cpu(), wc.grad()), tol) << label << " d weights";
        EXPECT_TRUE(moezoo::testing::all_finite(out_g) && moezoo::testing::all_finite(xg.grad()) &&
                    moezoo::testing::all_finite(wg.grad()))
            << label;
      }
    }
  }
}

TEST(CudaDispatcher, RowKernelsWriteEveryElementOfPoisonedOutputs) {
  MOEZOO_REQUIRE_CUDA();
  for (const at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
    for (const int64_t D : {64, 13}) {
      const Shape s{300, 8, 64, 5, 0.1};
      const Routing r = make_routing(s, dtype, 5);
      const DispatchPlan plan = make_dispatch_plan_cpu(r);
      const int64_t A = plan.num_rows();
      const auto o = torch::TensorOptions().dtype(dtype);
      const auto og = o.device(torch::kCUDA);
      const at::Tensor x = torch::randn({s.T, D}, o), ys = torch::randn({A, D}, o), g = torch::randn({s.T, D}, o);
      const at::Tensor w = r.combine_weights, pos = plan.slot_position;
      const std::string label = "D=" + std::to_string(D) + " " + std::string(c10::toString(dtype));

      at::Tensor gathered = poisoned({A, D}, og);
      kernels::gather_rows_out(x.cuda(), plan.token_index.cuda(), gathered);
      EXPECT_TRUE(bitwise_equal(gathered.cpu(), x.index_select(0, plan.token_index))) << label << " gather";

      // slot_sum against a float64 loop, weighted and unweighted.
      const at::Tensor kept = pos.ge(0);
      const at::Tensor rows64 = ys.to(torch::kDouble).index_select(0, pos.clamp_min(0).reshape({-1})).view({s.T, s.k, D});
      const at::Tensor w64 = w.to(torch::kDouble) * kept;
      for (const bool weighted : {true, false}) {
        at::Tensor out = poisoned({s.T, D}, og);
        kernels::slot_sum_out(ys.cuda(), pos.cuda(), weighted ? w.cuda() : at::Tensor(), out);
        const at::Tensor want = (rows64 * (weighted ? w64 : kept.to(torch::kDouble)).unsqueeze(-1)).sum(1);
        EXPECT_LT(rel_error(out.cpu(), want), cuda_tolerance(dtype)) << label << " slot_sum weighted=" << weighted;
      }

      at::Tensor grad_rows = poisoned({A, D}, og), grad_w = poisoned({s.T, s.k}, og);
      kernels::slot_scatter_dot_out(g.cuda(), ys.cuda(), w.cuda(), pos.cuda(), &grad_rows, &grad_w);
      const at::Tensor g64 = g.to(torch::kDouble);
      const at::Tensor want_w = (rows64 * g64.unsqueeze(1)).sum(-1) * kept;
      EXPECT_LT(rel_error(grad_w.cpu(), want_w), cuda_tolerance(dtype)) << label << " grad_w";
      EXPECT_TRUE(torch::equal(grad_w.cpu().masked_select(kept.logical_not()),
                               torch::zeros({kept.logical_not().sum().item<int64_t>()}, o)))
          << label << " dropped slots get a zero weight gradient";
      const at::Tensor want_rows = g64.index_select(0, plan.token_index) *
                                   w.to(torch::kDouble).reshape({-1}).index_select(0, plan.slot_index).unsqueeze(-1);
      EXPECT_LT(rel_error(grad_rows.cpu(), want_rows), cuda_tolerance(dtype)) << label << " grad_rows";
    }
  }
}

TEST(CudaDispatcher, BitwiseReproducible) {
  MOEZOO_REQUIRE_CUDA();
  const Routing r = to_cuda(make_routing({2048, 4, 32, 3, 0.05}, at::kFloat, 9));
  const at::Tensor x = torch::randn({2048, 96}, torch::kCUDA).requires_grad_(true);
  const at::Tensor w = r.combine_weights.clone().requires_grad_(true);
  const at::Tensor up = torch::randn({2048, 96}, torch::kCUDA);
  CudaDispatcher d;
  const auto run = [&] {
    Routing rr = r;
    rr.combine_weights = w;
    const at::Tensor out = through_dispatcher(d, x, rr, 96);
    auto g = torch::autograd::grad({out}, {x, w}, {up});
    return std::vector<at::Tensor>{out.detach(), g[0], g[1]};
  };
  const auto a = run(), b = run();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(bitwise_equal(a[i], b[i])) << i;
}

TEST(CudaDispatcher, FactoryNamesAndErrors) {
  EXPECT_EQ(parse_dispatch_backend("cuda"), DispatchBackend::kCuda);
  EXPECT_EQ(to_string(DispatchBackend::kCuda), "cuda");
  EXPECT_THROW(make_dispatcher(DispatchBackend::kCuda, torch::kCPU), moezoo::Error);
  EXPECT_EQ(make_dispatcher(DispatchBackend::kAuto, torch::kCPU)->name(), "cpu");
  EXPECT_EQ(make_dispatcher(DispatchBackend::kAuto, torch::Device(torch::kCUDA, 0))->name(), "cuda");
  EXPECT_EQ(make_dispatcher(DispatchBackend::kCuda, torch::Device(torch::kCUDA, 0))->name(), "cuda");
}

TEST(CudaDispatcher, BadInputsAndDoubleBackwardAreRefused) {
  MOEZOO_REQUIRE_CUDA();
  const Routing r = to_cuda(make_routing({16, 2, 4, 0, 0.0}, at::kFloat, 2));
  const DispatchPlan plan = CudaDispatcher().plan(r);
  EXPECT_THROW(CudaDispatcher().dispatch(torch::randn({16, 4}), plan), moezoo::Error) << "CPU x";
  EXPECT_THROW(CudaDispatcher().dispatch(torch::randn({15, 4}, torch::kCUDA), plan), moezoo::Error) << "wrong T";
  EXPECT_THROW(CudaDispatcher().combine(torch::randn({3, 4}, torch::kCUDA), r.combine_weights, plan), moezoo::Error);
  // Double backward is refused (first-order kernels).
  const at::Tensor x = torch::randn({16, 4}, torch::kCUDA).requires_grad_(true);
  const at::Tensor out = through_dispatcher(CudaDispatcher(), x, r, 4);
  EXPECT_THROW(torch::autograd::grad({out.sum()}, {x}, {}, true, /*create_graph=*/true), c10::Error);
}

}  // namespace
}  // namespace moezoo::core
