#pragma once
// Helpers shared by the layer tests: relative error against a reference and
// "every parameter got a gradient" checks.

#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>

#include <string>

namespace moezoo::testing {

/// max |a - b| / max(max |b|, 1e-30): the error relative to the reference's scale.
inline double max_rel_diff(const at::Tensor& a, const at::Tensor& b) {
  EXPECT_EQ(a.sizes(), b.sizes());
  const double scale = std::max(b.abs().max().item<double>(), 1e-30);
  return (a - b).abs().max().item<double>() / scale;
}

/// Every parameter of `module` has a defined, finite gradient that is not all zero.
inline void expect_every_parameter_has_gradient(const torch::nn::Module& module) {
  ASSERT_FALSE(module.named_parameters().is_empty());
  for (const auto& p : module.named_parameters()) {
    const at::Tensor& g = p.value().grad();
    ASSERT_TRUE(g.defined()) << p.key() << " got no gradient";
    EXPECT_TRUE(torch::isfinite(g).all().item<bool>()) << p.key() << " has a non-finite gradient";
    EXPECT_GT(g.abs().sum().item<double>(), 0.0) << p.key() << " has an all-zero gradient";
  }
}

/// Parameters of a and b (same names) are bitwise equal.
inline void expect_same_parameters(const torch::nn::Module& a, const torch::nn::Module& b) {
  const auto pa = a.named_parameters();
  const auto pb = b.named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (const auto& p : pa) {
    ASSERT_TRUE(pb.contains(p.key())) << p.key();
    EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
  }
}

/// A loss that weights every output element differently, so that gradients are not
/// symmetric: sum(y * w) with w fixed by `seed`.
inline at::Tensor weighted_sum(const at::Tensor& y, uint64_t seed = 1234) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  // Drawn in float64 on the CPU whatever y is, so float32 and float64 runs share w.
  const at::Tensor w = at::randn(y.sizes(), gen, at::TensorOptions().dtype(at::kDouble)).to(y.options());
  return (y * w).sum();
}

}  // namespace moezoo::testing
