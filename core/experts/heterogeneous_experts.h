#pragma once
/// HeterogeneousExperts: E arbitrary modules as experts (GeoMoE's manifold
/// experts, LGEST's conv/transformer pairs), each mapping [n, D] -> [n, D_out],
/// run on its own contiguous slice of the dispatched rows.
///
/// Experts are made by a factory so that reset() (and so clone()) can rebuild
/// them; clone() also needs every expert to be Cloneable, as torch::nn modules are.

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/pimpl.h>

#include <functional>
#include <vector>

#include "core/experts/expert_set.h"

namespace moezoo::core {

/// Makes expert e (0-based). The module's forward must take one tensor [n, D]
/// and return [n, D_out].
using ExpertFactory = std::function<torch::nn::AnyModule(int64_t expert)>;

struct HeterogeneousExpertsOptions {
  HeterogeneousExpertsOptions(int64_t num_experts, int64_t d_model, int64_t d_out, ExpertFactory factory)
      : num_experts_(num_experts), d_model_(d_model), d_out_(d_out), factory_(std::move(factory)) {}
  TORCH_ARG(int64_t, num_experts);
  TORCH_ARG(int64_t, d_model);
  TORCH_ARG(int64_t, d_out);
  TORCH_ARG(ExpertFactory, factory);
};

class HeterogeneousExpertsImpl : public torch::nn::Cloneable<HeterogeneousExpertsImpl>, public ExpertSet {
 public:
  explicit HeterogeneousExpertsImpl(HeterogeneousExpertsOptions options);
  void reset() override;

  /// xs: [A, D] sorted by expert, offsets: E + 1 -> [A, D_out]
  at::Tensor forward_grouped(const at::Tensor& xs, const std::vector<int64_t>& offsets) override;
  /// x: [T, D] -> [E, T, D_out]
  at::Tensor forward_all(const at::Tensor& x) override;

  int64_t num_experts() const override { return options.num_experts(); }
  int64_t in_features() const override { return options.d_model(); }
  int64_t out_features() const override { return options.d_out(); }
  /// Expert e. x: [n, D] -> [n, D_out]
  at::Tensor run_expert(int64_t e, const at::Tensor& x);

  HeterogeneousExpertsOptions options;
  std::vector<torch::nn::AnyModule> experts;
};
TORCH_MODULE(HeterogeneousExperts);

}  // namespace moezoo::core
