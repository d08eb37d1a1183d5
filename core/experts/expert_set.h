#pragma once
/// ExpertSet: what an MoE layer needs from its experts, whether they are a bank
/// of identical MLPs with stacked weights or a list of arbitrary modules.
///
/// A plain interface (not a torch::nn::Module) so that the module classes that
/// implement it can still derive from torch::nn::Cloneable.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace moezoo::core {

class ExpertSet {
 public:
  virtual ~ExpertSet() = default;
  /// Sparse path. xs: [A, D], rows of expert e at [offsets[e], offsets[e + 1])
  /// (a DispatchPlan's offsets) -> [A, D_out]; experts with no rows are not run.
  virtual at::Tensor forward_grouped(const at::Tensor& xs, const std::vector<int64_t>& offsets) = 0;
  /// Dense path (MMoE, soft routing): every expert on every token. x: [T, D] -> [E, T, D_out]
  virtual at::Tensor forward_all(const at::Tensor& x) = 0;
  virtual int64_t num_experts() const = 0;
  virtual int64_t in_features() const = 0;
  virtual int64_t out_features() const = 0;
};

}  // namespace moezoo::core
