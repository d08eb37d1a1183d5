// Grouped matmul backends, the stacked-weight expert bank and heterogeneous
// experts, each against a per-row or per-expert reference written from the
// same weights: forward and every gradient.

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "core/experts/expert_bank.h"
#include "core/experts/grouped_mm.h"
#include "core/experts/heterogeneous_experts.h"
#include "core/experts/parallel_tasks.h"
#include "core/util/error.h"
#include "tests/core/moe/compare.h"
#include "tests/core/moe/naive_moe.h"

namespace moezoo::core {
namespace {

using testing::bitwise_equal;
using testing::expect_same_function;
using testing::ThreadCount;
using testing::tolerance;

std::vector<int64_t> offsets_from_counts(const std::vector<int64_t>& counts) {
  std::vector<int64_t> offsets{0};
  for (int64_t c : counts) offsets.push_back(offsets.back() + c);
  return offsets;
}

/// Row by row: out[a] = x[a] @ w[e(a)] + bias[e(a)], as one batched matmul over
/// a per-row copy of the weights (no slicing by offsets).
at::Tensor per_row_reference(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                             const std::vector<int64_t>& offsets) {
  std::vector<int64_t> expert_of_row;
  for (int64_t e = 0; e + 1 < static_cast<int64_t>(offsets.size()); ++e)
    for (int64_t a = offsets[e]; a < offsets[e + 1]; ++a) expert_of_row.push_back(e);
  if (expert_of_row.empty()) return torch::zeros({0, w.size(2)}, x.options());
  const at::Tensor idx = torch::tensor(expert_of_row, torch::kLong);
  at::Tensor out = torch::bmm(x.unsqueeze(1), w.index_select(0, idx)).squeeze(1);
  return bias.defined() ? out + bias.index_select(0, idx) : out;
}

class GroupedMmVsRows : public ::testing::TestWithParam<std::tuple<std::string, at::ScalarType, bool>> {};

TEST_P(GroupedMmVsRows, ForwardAndGradientsMatch) {
  const auto [backend_name, dtype, with_bias] = GetParam();
  const GroupedMmBackend backend = parse_grouped_mm_backend(backend_name);
  // Empty experts first, in the middle and last; one expert larger than a tile
  // (300 rows) and K larger than a dw tile (160) so that tiles split.
  for (const auto& counts : {std::vector<int64_t>{0, 5, 0, 140, 1, 0}, std::vector<int64_t>{7, 0, 3},
                             std::vector<int64_t>{0, 0}}) {
    torch::manual_seed(3);
    const auto offsets = offsets_from_counts(counts);
    const int64_t E = counts.size(), K = 160, N = 24, A = offsets.back();
    const auto opts = torch::TensorOptions().dtype(dtype);
    const at::Tensor x = torch::randn({A, K}, opts).requires_grad_(true);
    const at::Tensor w = torch::randn({E, K, N}, opts).requires_grad_(true);
    const at::Tensor b = with_bias ? torch::randn({E, N}, opts).requires_grad_(true) : at::Tensor();
    std::vector<at::Tensor> leaves{x, w};
    if (with_bias) leaves.push_back(b);
    SCOPED_TRACE(backend_name + " A=" + std::to_string(A));
    expect_same_function([&] { return grouped_mm(x, w, b, offsets, backend); },
                         [&] { return per_row_reference(x, w, b, offsets); }, leaves, {"x", "w", "bias"},
                         tolerance(dtype));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupedMmVsRows,
                         ::testing::Combine(::testing::Values("auto", "loop", "tiled", "tiled_blas", "aten", "reference"),
                                            ::testing::Values(at::kFloat, at::kDouble), ::testing::Bool()));

// Bitwise reproducibility at a fixed thread count (BLAS may split small
// matmuls differently for another thread count, so that is not claimed).
TEST(GroupedMm, EveryBackendIsBitwiseReproducible) {
  torch::manual_seed(4);
  const auto offsets = offsets_from_counts({130, 0, 257, 9});
  const at::Tensor x = torch::randn({offsets.back(), 200}).requires_grad_(true);
  const at::Tensor w = torch::randn({4, 200, 48}).requires_grad_(true);
  const at::Tensor b = torch::randn({4, 48}).requires_grad_(true);
  const at::Tensor up = torch::randn({offsets.back(), 48});
  for (const char* name : {"loop", "tiled", "tiled_blas", "aten", "reference"}) {
    auto run = [&] {
      const at::Tensor out = grouped_mm(x, w, b, offsets, parse_grouped_mm_backend(name));
      auto g = torch::autograd::grad({out}, {x, w, b}, {up});
      return std::vector<at::Tensor>{out.detach(), g[0], g[1], g[2]};
    };
    const auto first = run(), second = run();
    for (size_t i = 0; i < first.size(); ++i) EXPECT_TRUE(bitwise_equal(first[i], second[i])) << name << " " << i;
  }
}

// With two threads (the suite runs on one) the tiled backend runs its tiles in
// parallel where LibTorch's OpenMP is compiled in; the pool's threads must not
// record autograd history.
/// Row counts for the tiled backend's two backward layouts: few experts (dw split along
/// K into 256-row blocks) and many (one dw tile per expert).
std::vector<std::vector<int64_t>> tiled_layouts() {
  return {{300, 0, 5, 270}, std::vector<int64_t>(70, 3)};
}

TEST(GroupedMm, TiledMatchesRowsOnTwoThreads) {
  const ThreadCount two(2);
  torch::manual_seed(12);
  for (const auto& counts : tiled_layouts()) {
    const auto offsets = offsets_from_counts(counts);
    const auto E = static_cast<int64_t>(counts.size());
    const at::Tensor x = torch::randn({offsets.back(), 300}).requires_grad_(true);
    const at::Tensor w = torch::randn({E, 300, 40}).requires_grad_(true);
    const at::Tensor b = torch::randn({E, 40}).requires_grad_(true);
    expect_same_function([&] { return grouped_mm(x, w, b, offsets, GroupedMmBackend::kTiled); },
                         [&] { return per_row_reference(x, w, b, offsets); }, {x, w, b}, {"x", "w", "bias"}, 1e-5);
  }
}

// The tiles run on two threads in a build with OpenMP (every such build here: the
// PyPI LibTorch has it), and each task runs exactly once.
TEST(ParallelTasks, RunEveryTaskOnceOnTheIntraOpThreads) {
  EXPECT_EQ(parallel_tasks_run_in_parallel(), MOEZOO_EXPECT_PARALLEL_TASKS != 0);
  const ThreadCount two(2);
  constexpr int64_t n = 24;
  std::vector<int> runs(n, 0);
  std::set<std::thread::id> threads;
  std::mutex mutex;
  std::atomic<int> started{0};
  run_parallel_tasks(n, [&](int64_t i) {
    {
      const std::lock_guard<std::mutex> lock(mutex);
      ++runs[i];
      threads.insert(std::this_thread::get_id());
    }
    EXPECT_FALSE(at::GradMode::is_enabled());
    // Task 0 waits (up to 5 s, for a loaded machine) until another task has started,
    // which on two threads can only happen on the other thread.
    ++started;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (i == 0 && started < 2 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  EXPECT_EQ(runs, std::vector<int>(n, 1));
  EXPECT_EQ(threads.size(), parallel_tasks_run_in_parallel() ? 2u : 1u);
}

TEST(ParallelTasks, RethrowTheErrorOfAFailingTask) {
  const ThreadCount two(2);
  try {
    run_parallel_tasks(8, [](int64_t i) {
      if (i == 5) throw moezoo::Error("task 5 failed");
    });
    ADD_FAILURE() << "no error";
  } catch (const moezoo::Error& e) {
    EXPECT_STREQ(e.what(), "task 5 failed");
  }
}

// Tiles are fixed by the shapes, never by the thread count, so one thread and two
// give the same bits: forward and every gradient.
TEST(GroupedMm, TiledGivesTheSameBitsOnOneAndTwoThreads) {
  torch::manual_seed(13);
  for (auto counts : tiled_layouts()) {
    for (auto& c : counts) c *= 2;  // 600 rows: more than two row tiles for one expert
    const auto offsets = offsets_from_counts(counts);
    const auto E = static_cast<int64_t>(counts.size());
    // K = 300 > 256: the few-expert layout splits dw along K.
    const at::Tensor x = torch::randn({offsets.back(), 300}).requires_grad_(true);
    const at::Tensor w = torch::randn({E, 300, 96}).requires_grad_(true);
    const at::Tensor b = torch::randn({E, 96}).requires_grad_(true);
    const at::Tensor g = torch::randn({offsets.back(), 96});
    auto run = [&](int threads) {
      const ThreadCount count(threads);
      const at::Tensor y = grouped_mm(x, w, b, offsets, GroupedMmBackend::kTiled);
      auto grads = torch::autograd::grad({y}, {x, w, b}, {g});
      grads.insert(grads.begin(), y.detach());
      return grads;
    };
    const auto one = run(1), two = run(2);
    const char* names[] = {"out", "dx", "dw", "dbias"};
    for (size_t i = 0; i < one.size(); ++i) EXPECT_TRUE(bitwise_equal(one[i], two[i])) << names[i] << ", E = " << E;
  }
}

TEST(GroupedMm, RejectsInconsistentOffsetsAndShapes) {
  const at::Tensor x = torch::randn({5, 4}), w = torch::randn({2, 4, 3});
  EXPECT_THROW(grouped_mm(x, w, {}, {0, 2}), moezoo::Error);
  EXPECT_THROW(grouped_mm(x, w, {}, {0, 3, 4}), moezoo::Error);
  EXPECT_THROW(grouped_mm(x, w, {}, {0, 4, 3}), moezoo::Error);
  EXPECT_THROW(grouped_mm(x, torch::randn({2, 5, 3}), {}, {0, 2, 5}), moezoo::Error);
  EXPECT_THROW(grouped_mm(x, w, torch::randn({2, 4}), {0, 2, 5}), moezoo::Error);
  EXPECT_THROW(parse_grouped_mm_backend("cutlass", "model.moe.grouped_mm"), moezoo::Error);
  EXPECT_THROW(grouped_mm(torch::randn({5, 0}), torch::randn({2, 0, 3}), {}, {0, 2, 5}), moezoo::Error);
}

at::Tensor naive_expert(ExpertBankImpl& bank, int64_t e, const at::Tensor& x) {
  return testing::naive_bank_expert(bank, e, x);
}

std::vector<at::Tensor> leaves_of(const at::Tensor& x, torch::nn::Module& m) {
  std::vector<at::Tensor> leaves{x};
  for (const auto& p : m.parameters()) leaves.push_back(p);
  return leaves;
}

std::vector<std::string> names_of(torch::nn::Module& m) {
  std::vector<std::string> names{"x"};
  for (const auto& p : m.named_parameters()) names.push_back(p.key());
  return names;
}

class ExpertBankVsNaive : public ::testing::TestWithParam<std::tuple<std::string, at::ScalarType, bool>> {};

TEST_P(ExpertBankVsNaive, GroupedAndAllExpertPathsMatch) {
  const auto [kind, dtype, bias] = GetParam();
  torch::manual_seed(7);
  ExpertBank bank(ExpertBankOptions(5, 12, 20).kind(parse_expert_kind(kind)).bias(bias).d_out(kind == "low_rank" ? 9 : 0));
  bank->to(dtype);
  const auto offsets = offsets_from_counts({3, 0, 11, 1, 0});
  const at::Tensor xs = torch::randn({offsets.back(), 12}, torch::TensorOptions().dtype(dtype)).requires_grad_(true);
  const auto leaves = leaves_of(xs, *bank);
  const auto names = names_of(*bank);
  expect_same_function([&] { return bank->forward_grouped(xs, offsets); },
                       [&] {
                         std::vector<at::Tensor> parts;
                         for (int64_t e = 0; e < 5; ++e)
                           if (offsets[e + 1] > offsets[e])
                             parts.push_back(naive_expert(*bank, e, xs.narrow(0, offsets[e], offsets[e + 1] - offsets[e])));
                         return torch::cat(parts);
                       },
                       leaves, names, tolerance(dtype));
  const at::Tensor x = xs.detach().narrow(0, 0, 6).clone().requires_grad_(true);
  expect_same_function([&] { return bank->forward_all(x); },
                       [&] {
                         std::vector<at::Tensor> all;
                         for (int64_t e = 0; e < 5; ++e) all.push_back(naive_expert(*bank, e, x));
                         return torch::stack(all);
                       },
                       leaves_of(x, *bank), names, tolerance(dtype));
}

INSTANTIATE_TEST_SUITE_P(Kinds, ExpertBankVsNaive,
                         ::testing::Combine(::testing::Values("gelu_mlp", "swiglu", "low_rank"),
                                            ::testing::Values(at::kFloat, at::kDouble), ::testing::Bool()));

TEST(ExpertBank, ShapesInitAndClone) {
  torch::manual_seed(1);
  ExpertBank swiglu(ExpertBankOptions(4, 16, 8).kind(ExpertKind::kSwiGlu));
  EXPECT_EQ(swiglu->w1.sizes(), (std::vector<int64_t>{4, 16, 16}));
  EXPECT_EQ(swiglu->w2.sizes(), (std::vector<int64_t>{4, 8, 16}));
  ExpertBank mlp(ExpertBankOptions(3, 64, 256));
  // torch::nn::Linear's bound 1/sqrt(fan_in), and the weights fill it (not all tiny).
  EXPECT_LE(mlp->w1.abs().max().item<double>(), 1.0 / 8.0);
  EXPECT_GT(mlp->w1.abs().max().item<double>(), 0.9 / 8.0);
  EXPECT_LE(mlp->w2.abs().max().item<double>(), 1.0 / 16.0);
  EXPECT_LE(mlp->b2.abs().max().item<double>(), 1.0 / 16.0);
  EXPECT_FALSE(ExpertBank(ExpertBankOptions(2, 4, 4).bias(false))->b1.defined());
  auto copy = std::dynamic_pointer_cast<ExpertBankImpl>(mlp->clone());
  ASSERT_TRUE(copy);
  EXPECT_TRUE(torch::equal(copy->w1, mlp->w1));
  EXPECT_NE(copy->w1.data_ptr(), mlp->w1.data_ptr());
  EXPECT_THROW(parse_expert_kind("moe", "model.moe.expert_kind"), moezoo::Error);
  EXPECT_THROW(ExpertBank(ExpertBankOptions(0, 4, 4)), moezoo::Error);
}

/// x -> fc2(act(fc1(x))): an expert with its own structure.
struct SmallMlpImpl : torch::nn::Cloneable<SmallMlpImpl> {
  SmallMlpImpl(int64_t in, int64_t hidden, int64_t out, bool tanh) : in(in), hidden(hidden), out(out), tanh(tanh) {
    reset();
  }
  void reset() override {
    fc1 = register_module("fc1", torch::nn::Linear(in, hidden));
    fc2 = register_module("fc2", torch::nn::Linear(torch::nn::LinearOptions(hidden, out).bias(false)));
  }
  at::Tensor forward(const at::Tensor& x) { return fc2(tanh ? torch::tanh(fc1(x)) : torch::gelu(fc1(x))); }
  int64_t in, hidden, out;
  bool tanh;
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(SmallMlp);

/// Three experts of different structure, all [n, 6] -> [n, 5].
ExpertFactory mixed_factory() {
  return [](int64_t e) -> torch::nn::AnyModule {
    if (e == 0) return torch::nn::AnyModule(torch::nn::Linear(6, 5));
    return torch::nn::AnyModule(SmallMlp(6, e == 1 ? 11 : 3, 5, e == 1));
  };
}

TEST(HeterogeneousExperts, EachSliceGoesThroughItsOwnModule) {
  for (const auto dtype : {at::kFloat, at::kDouble}) {
    torch::manual_seed(2);
    HeterogeneousExperts experts(HeterogeneousExpertsOptions(3, 6, 5, mixed_factory()));
    experts->to(dtype);
    const auto offsets = offsets_from_counts({4, 0, 7});
    const at::Tensor xs = torch::randn({11, 6}, torch::TensorOptions().dtype(dtype)).requires_grad_(true);
    expect_same_function([&] { return experts->forward_grouped(xs, offsets); },
                         [&] {
                           return torch::cat({experts->experts[0].forward(xs.narrow(0, 0, 4)),
                                              experts->experts[2].forward(xs.narrow(0, 4, 7))});
                         },
                         leaves_of(xs, *experts), names_of(*experts), tolerance(dtype));
    const at::Tensor all = experts->forward_all(xs);
    ASSERT_EQ(all.sizes(), (std::vector<int64_t>{3, 11, 5}));
    EXPECT_TRUE(torch::allclose(all[1], experts->experts[1].forward(xs)));
  }
}

TEST(HeterogeneousExperts, CloneCopiesTheWeightsAndBadExpertsAreNamed) {
  HeterogeneousExperts experts(HeterogeneousExpertsOptions(3, 6, 5, mixed_factory()));
  auto copy = std::dynamic_pointer_cast<HeterogeneousExpertsImpl>(experts->clone());
  ASSERT_TRUE(copy);
  const at::Tensor x = torch::randn({4, 6});
  EXPECT_TRUE(torch::equal(copy->forward_all(x), experts->forward_all(x)));
  HeterogeneousExperts wrong(HeterogeneousExpertsOptions(
      2, 6, 5, [](int64_t) { return torch::nn::AnyModule(torch::nn::Linear(6, 4)); }));
  try {
    wrong->forward_grouped(torch::randn({3, 6}), {0, 1, 3});
    FAIL() << "expected moezoo::Error";
  } catch (const moezoo::Error& e) {
    EXPECT_NE(std::string(e.what()).find("expert 0"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace moezoo::core
