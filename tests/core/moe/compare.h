#pragma once
/// Comparing a fast path with its reference: the output and the gradient of
/// every leaf, for one random upstream gradient, within a relative error bound
///   max |a - b| / max |b|  <  1e-5 (float32),  1e-12 (float64).

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

namespace moezoo::testing {

/// The test tensors are tiny: with two intra-op threads on a loaded machine
/// (ctest -j, other builds) OpenMP barriers cost far more than the work (a
/// measured 66 s against 2 s for the MoE tests), so these suites run on one
/// thread; tests about thread counts set their own.
struct SingleThreadEnvironment : ::testing::Environment {
  void SetUp() override { at::set_num_threads(1); }
};
inline const bool kSingleThreadEnvironment = [] {
  ::testing::AddGlobalTestEnvironment(new SingleThreadEnvironment);
  return true;
}();

/// Sets LibTorch's intra-op thread count for one scope (tests about thread counts).
struct ThreadCount {
  explicit ThreadCount(int n) : saved(at::get_num_threads()) { at::set_num_threads(n); }
  ~ThreadCount() { at::set_num_threads(saved); }
  ThreadCount(const ThreadCount&) = delete;
  ThreadCount& operator=(const ThreadCount&) = delete;
  int saved;
};

/// max |a - b| / max |b| (max |a - b| when b is all zeros; 0 for empty tensors).
inline double rel_error(const at::Tensor& a, const at::Tensor& b) {
  if (b.numel() == 0) return 0.0;
  const double diff = (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
  const double scale = b.to(at::kDouble).abs().max().item<double>();
  return scale > 0 ? diff / scale : diff;
}

inline double tolerance(at::ScalarType dtype) { return dtype == at::kDouble ? 1e-12 : 1e-5; }

/// Gradients of sum(out * upstream) w.r.t. `leaves`; leaves the output does not
/// reach get zeros.
inline std::vector<at::Tensor> grads_of(const at::Tensor& out, const at::Tensor& upstream,
                                        const std::vector<at::Tensor>& leaves) {
  if (!out.requires_grad()) {
    std::vector<at::Tensor> zeros;
    for (const auto& l : leaves) zeros.push_back(torch::zeros_like(l));
    return zeros;
  }
  auto g = torch::autograd::grad({out}, leaves, {upstream}, /*retain_graph=*/false, /*create_graph=*/false,
                                 /*allow_unused=*/true);
  for (size_t i = 0; i < g.size(); ++i)
    if (!g[i].defined()) g[i] = torch::zeros_like(leaves[i]);
  return g;
}

/// Expects fast() and reference() (both built from `leaves`) to agree in value and
/// in the gradient of every leaf within `tol`. `names` label the leaves in failures.
inline void expect_same_function(const std::function<at::Tensor()>& fast, const std::function<at::Tensor()>& reference,
                                 const std::vector<at::Tensor>& leaves, const std::vector<std::string>& names,
                                 double tol) {
  const at::Tensor a = fast();
  const at::Tensor b = reference();
  ASSERT_EQ(a.sizes(), b.sizes());
  EXPECT_LT(rel_error(a, b), tol) << "forward";
  const at::Tensor upstream = torch::randn(a.sizes(), a.options().requires_grad(false));
  const auto ga = grads_of(a, upstream, leaves);
  const auto gb = grads_of(b, upstream, leaves);
  for (size_t i = 0; i < leaves.size(); ++i) {
    const std::string name = i < names.size() ? names[i] : "leaf " + std::to_string(i);
    EXPECT_LT(rel_error(ga[i], gb[i]), tol) << "gradient of " << name;
    EXPECT_TRUE(torch::isfinite(ga[i]).all().item<bool>()) << "gradient of " << name;
  }
}

/// Bitwise equality (same shape, same bits).
inline bool bitwise_equal(const at::Tensor& a, const at::Tensor& b) {
  return a.sizes() == b.sizes() && a.scalar_type() == b.scalar_type() &&
         (a.numel() == 0 || torch::equal(a.contiguous().view(at::kByte), b.contiguous().view(at::kByte)));
}

}  // namespace moezoo::testing
