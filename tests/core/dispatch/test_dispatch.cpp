// Sort-based dispatch: the plan (CPU counting sort vs ATen stable sort), and
// dispatch + combine of both backends against a per-slot loop, forward and
// gradients, with dropped slots, empty experts and uneven loads.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <ATen/Parallel.h>

#include "core/dispatch/aten_dispatcher.h"
#include "core/dispatch/cpu_dispatcher.h"
#include "core/dispatch/dispatcher.h"
#include "core/util/error.h"
#include "tests/core/moe/compare.h"

namespace moezoo::core {
namespace {

using testing::bitwise_equal;
using testing::expect_same_function;
using testing::tolerance;

/// A hand-built routing: T tokens, k slots, E experts. Experts >= E - empty_tail
/// get nothing; expert 0 gets a third of the slots (uneven load); a fraction
/// `drop` of the slots is dropped.
Routing make_routing(int64_t T, int64_t k, int64_t E, int64_t empty_tail, double drop, at::ScalarType dtype,
                     uint64_t seed) {
  torch::manual_seed(seed);
  const int64_t live = E - empty_tail;
  at::Tensor idx = torch::randint(live, {T, k}, torch::kLong);
  idx = torch::where(torch::rand({T, k}) < 0.33, torch::zeros_like(idx), idx);
  Routing r;
  r.expert_indices = idx;
  r.combine_weights = torch::rand({T, k}, torch::TensorOptions().dtype(dtype)).requires_grad_(true);
  r.keep_mask = torch::rand({T, k}) >= drop;
  r.num_experts = E;
  r.router_probs = torch::rand({T, E}, dtype);
  r.router_logits = torch::rand({T, E}, dtype);
  r.tokens_per_expert = torch::zeros({E}, torch::kLong);
  return r;
}

/// A per-expert row map standing in for the experts: g_e(x) = (e + 1) * x + tanh(x) * e.
at::Tensor expert_map(int64_t e, const at::Tensor& x) { return x * static_cast<double>(e + 1) + torch::tanh(x) * static_cast<double>(e); }

/// out[t] = sum over kept slots of w[t, j] * g_{e(t,j)}(x[t]) by a loop over slots.
at::Tensor slot_loop_reference(const at::Tensor& x, const Routing& r) {
  std::vector<at::Tensor> rows;
  const auto idx = r.expert_indices.accessor<int64_t, 2>();
  const auto keep = r.keep_mask.accessor<bool, 2>();
  for (int64_t t = 0; t < r.num_tokens(); ++t) {
    at::Tensor acc = torch::zeros({x.size(1)}, x.options());
    for (int64_t j = 0; j < r.top_k(); ++j)
      if (keep[t][j]) acc = acc + r.combine_weights[t][j] * expert_map(idx[t][j], x[t]);
    rows.push_back(acc);
  }
  return torch::stack(rows);
}

at::Tensor through_dispatcher(const Dispatcher& d, const at::Tensor& x, const Routing& r) {
  const DispatchPlan plan = d.plan(r);
  const at::Tensor xs = d.dispatch(x, plan);
  std::vector<at::Tensor> parts;
  for (int64_t e = 0; e < plan.num_experts; ++e)
    if (plan.count(e) > 0) parts.push_back(expert_map(e, xs.narrow(0, plan.offsets[e], plan.count(e))));
  const at::Tensor ys = parts.empty() ? xs : torch::cat(parts);
  return d.combine(ys, r.combine_weights, plan);
}

TEST(DispatchPlan, CountingSortEqualsStableSortAndIsOrderedByExpertTokenSlot) {
  for (int64_t k : {1, 2, 4}) {
    const Routing r = make_routing(37, k, 6, 2, 0.2, at::kFloat, 10 + k);
    const DispatchPlan a = make_dispatch_plan_cpu(r);
    const DispatchPlan b = make_dispatch_plan_aten(r);
    EXPECT_EQ(a.offsets, b.offsets);
    EXPECT_TRUE(torch::equal(a.token_index, b.token_index));
    EXPECT_TRUE(torch::equal(a.slot_index, b.slot_index));
    EXPECT_TRUE(torch::equal(a.slot_position, b.slot_position));
    EXPECT_TRUE(torch::equal(a.expert_offsets, b.expert_offsets));
    EXPECT_EQ(a.num_rows(), r.keep_mask.sum().item<int64_t>());
    EXPECT_EQ(a.count(4), 0);
    EXPECT_EQ(a.count(5), 0);
    // Order: expert, then token, then slot; slot_position is the inverse of slot_index.
    const auto flat_idx = r.expert_indices.reshape({-1});
    int64_t prev_expert = -1, prev_slot = -1;
    for (int64_t row = 0; row < a.num_rows(); ++row) {
      const int64_t slot = a.slot_index[row].item<int64_t>();
      const int64_t e = flat_idx[slot].item<int64_t>();
      EXPECT_GE(row, a.offsets[e]);
      EXPECT_LT(row, a.offsets[e + 1]);
      if (e == prev_expert) {
        EXPECT_GT(slot, prev_slot);
      }
      EXPECT_GE(e, prev_expert);
      EXPECT_EQ(a.token_index[row].item<int64_t>(), slot / k);
      EXPECT_EQ(a.slot_position.view({-1})[slot].item<int64_t>(), row);
      prev_expert = e;
      prev_slot = slot;
    }
    EXPECT_TRUE(torch::equal(a.slot_position.lt(0), r.keep_mask.logical_not()));
  }
}

TEST(DispatchPlan, RejectsOutOfRangeExpertsAndBadShapes) {
  Routing r = make_routing(8, 2, 4, 0, 0.0, at::kFloat, 1);
  r.expert_indices[3][1] = 4;
  EXPECT_THROW(make_dispatch_plan_cpu(r), moezoo::Error);
  EXPECT_THROW(make_dispatch_plan_aten(r), moezoo::Error);
  r.keep_mask[3][1] = false;  // a dropped slot may hold anything
  EXPECT_NO_THROW(make_dispatch_plan_cpu(r));
  EXPECT_NO_THROW(make_dispatch_plan_aten(r));
  r.keep_mask = torch::ones({8, 3}, torch::kBool);
  EXPECT_THROW(make_dispatch_plan_cpu(r), moezoo::Error);
}

class DispatcherVsLoop : public ::testing::TestWithParam<std::tuple<std::string, at::ScalarType>> {};

TEST_P(DispatcherVsLoop, ForwardAndGradientsMatch) {
  const auto [backend, dtype] = GetParam();
  const auto dispatcher = make_dispatcher(parse_dispatch_backend(backend), torch::kCPU);
  struct Case {
    int64_t T, k, E, empty_tail;
    double drop;
  };
  for (const Case c : {Case{23, 2, 5, 1, 0.0}, Case{31, 1, 4, 0, 0.3}, Case{17, 3, 8, 3, 0.25}, Case{9, 2, 3, 0, 1.0}}) {
    const Routing r = make_routing(c.T, c.k, c.E, c.empty_tail, c.drop, dtype, 100 + c.T);
    const at::Tensor x = torch::randn({c.T, 7}, torch::TensorOptions().dtype(dtype)).requires_grad_(true);
    SCOPED_TRACE(backend + " T=" + std::to_string(c.T) + " k=" + std::to_string(c.k));
    expect_same_function([&] { return through_dispatcher(*dispatcher, x, r); },
                         [&] { return slot_loop_reference(x, r); }, {x, r.combine_weights}, {"x", "weights"},
                         tolerance(dtype));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, DispatcherVsLoop,
                         ::testing::Combine(::testing::Values("cpu", "aten"),
                                            ::testing::Values(at::kFloat, at::kDouble)));

TEST(CpuDispatcher, BitwiseReproducibleAndIndependentOfThreadCount) {
  const Routing r = make_routing(301, 2, 7, 1, 0.1, at::kFloat, 5);
  const at::Tensor x = torch::randn({301, 33}).requires_grad_(true);
  const at::Tensor up = torch::randn({301, 33});
  CpuDispatcher d;
  auto run = [&] {
    const at::Tensor out = through_dispatcher(d, x, r);
    auto g = torch::autograd::grad({out}, {x, r.combine_weights}, {up});
    return std::vector<at::Tensor>{out.detach(), g[0], g[1]};
  };
  std::vector<at::Tensor> first, second, single;
  {
    const testing::ThreadCount two(2);
    first = run();
    second = run();
  }
  {
    const testing::ThreadCount one(1);
    single = run();
  }
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_TRUE(bitwise_equal(first[i], second[i])) << i;
    EXPECT_TRUE(bitwise_equal(first[i], single[i])) << i;
  }
}

TEST(CpuDispatcher, DoubleBackwardIsRefusedWithAMessage) {
  const Routing r = make_routing(6, 2, 3, 0, 0.0, at::kFloat, 2);
  const at::Tensor x = torch::randn({6, 4}).requires_grad_(true);
  CpuDispatcher d;
  const at::Tensor out = through_dispatcher(d, x, r);
  EXPECT_THROW(torch::autograd::grad({out.sum()}, {x}, {}, true, /*create_graph=*/true), c10::Error);
}

TEST(Dispatcher, FactoryAndNames) {
  EXPECT_EQ(make_dispatcher(DispatchBackend::kAuto, torch::kCPU)->name(), "cpu");
  EXPECT_EQ(make_dispatcher(DispatchBackend::kAten, torch::kCPU)->name(), "aten");
  EXPECT_THROW(parse_dispatch_backend("gpu", "model.moe.dispatch"), moezoo::Error);
  try {
    parse_dispatch_backend("gpu", "model.moe.dispatch");
  } catch (const moezoo::Error& e) {
    EXPECT_NE(std::string(e.what()).find("model.moe.dispatch"), std::string::npos);
  }
}

}  // namespace
}  // namespace moezoo::core
