// MMoE (Ma et al. 2018) against loops over tasks and experts, forward and every
// gradient, for a stacked-weight bank and for heterogeneous experts.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/moe/mmoe.h"
#include "core/util/error.h"
#include "tests/core/moe/compare.h"
#include "tests/core/moe/naive_moe.h"

namespace moezoo::core {
namespace {

using testing::expect_same_function;
using testing::tolerance;

std::vector<at::Tensor> leaves_of(const at::Tensor& x, torch::nn::Module& m, std::vector<std::string>* names) {
  std::vector<at::Tensor> leaves{x};
  names->assign({"x"});
  for (const auto& p : m.named_parameters()) {
    leaves.push_back(p.value());
    names->push_back(p.key());
  }
  return leaves;
}

TEST(MMoE, MatchesTheTaskExpertLoopForEveryExpertKind) {
  for (const auto dtype : {at::kFloat, at::kDouble})
    for (ExpertKind kind : {ExpertKind::kGeluMlp, ExpertKind::kSwiGlu, ExpertKind::kLowRank}) {
      torch::manual_seed(8);
      MMoE mmoe(MMoEOptions(6, 10, 4, 3).d_out(5).expert_kind(kind));
      mmoe->to(dtype);
      const at::Tensor x = torch::randn({2, 7, 6}, torch::TensorOptions().dtype(dtype)).requires_grad_(true);
      std::vector<std::string> names;
      const auto leaves = leaves_of(x, *mmoe, &names);
      SCOPED_TRACE(to_string(kind));
      expect_same_function([&] { return torch::stack(mmoe->forward(x)); },
                           [&] { return torch::stack(testing::naive_mmoe(*mmoe, x)); }, leaves, names, tolerance(dtype));
      const auto outs = mmoe->forward(x);
      ASSERT_EQ(outs.size(), 3u);
      EXPECT_EQ(outs[0].sizes(), (std::vector<int64_t>{2, 7, 5}));
      EXPECT_TRUE(torch::allclose(mmoe->gate_probs(x).sum(-1), torch::ones({2, 7, 3}, dtype)));
    }
}

TEST(MMoE, HeterogeneousExpertsAndClone) {
  torch::manual_seed(9);
  MMoE mmoe(MMoEOptions(6, 10, 3, 2).d_out(4).expert_factory([](int64_t e) {
    return torch::nn::AnyModule(torch::nn::Linear(6, 4));
  }));
  const at::Tensor x = torch::randn({5, 6}, torch::kDouble).requires_grad_(true);
  mmoe->to(torch::kDouble);
  std::vector<std::string> names;
  const auto leaves = leaves_of(x, *mmoe, &names);
  expect_same_function([&] { return torch::stack(mmoe->forward(x)); },
                       [&] { return torch::stack(testing::naive_mmoe(*mmoe, x)); }, leaves, names, 1e-12);
  auto copy = std::dynamic_pointer_cast<MMoEImpl>(mmoe->clone());
  ASSERT_TRUE(copy);
  EXPECT_TRUE(torch::equal(torch::stack(copy->forward(x)), torch::stack(mmoe->forward(x))));
  EXPECT_THROW(mmoe->forward(torch::randn({5, 7}, torch::kDouble)), moezoo::Error);
}

}  // namespace
}  // namespace moezoo::core
