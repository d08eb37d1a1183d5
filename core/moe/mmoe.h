#pragma once
/// Multi-gate Mixture-of-Experts (Ma et al., "Modeling Task Relationships in
/// Multi-task Learning with Multi-gate Mixture-of-Experts", KDD 2018), eq. 5-6:
///
///   f^k(x) = sum_{e=1..E} g^k(x)_e f_e(x),   g^k(x) = softmax(W_gk x)
///
/// one set of E experts shared by all K tasks and one dense softmax gate per
/// task; every expert runs on every token (ExpertSet::forward_all). The task
/// towers that follow are the caller's.

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <memory>
#include <vector>

#include "core/experts/expert_bank.h"
#include "core/experts/heterogeneous_experts.h"

namespace moezoo::core {

struct MMoEOptions {
  MMoEOptions(int64_t d_model, int64_t hidden, int64_t num_experts, int64_t num_tasks)
      : d_model_(d_model), hidden_(hidden), num_experts_(num_experts), num_tasks_(num_tasks) {}
  TORCH_ARG(int64_t, d_model);
  TORCH_ARG(int64_t, hidden);
  TORCH_ARG(int64_t, num_experts);
  TORCH_ARG(int64_t, num_tasks);
  /// Expert output width; 0 = d_model.
  TORCH_ARG(int64_t, d_out) = 0;
  TORCH_ARG(ExpertKind, expert_kind) = ExpertKind::kGeluMlp;
  TORCH_ARG(bool, expert_bias) = true;
  /// When set, the experts are these modules ([n, d_model] -> [n, d_out]).
  TORCH_ARG(ExpertFactory, expert_factory) = nullptr;
  /// A bias in each gate's linear map (the paper's gates have none).
  TORCH_ARG(bool, gate_bias) = false;
};

class MMoEImpl : public torch::nn::Cloneable<MMoEImpl> {
 public:
  explicit MMoEImpl(MMoEOptions options);
  void reset() override;

  /// x: [..., D] -> num_tasks outputs, each [..., D_out]
  std::vector<at::Tensor> forward(const at::Tensor& x);
  /// x: [..., D] -> gate probabilities [..., num_tasks, E]
  at::Tensor gate_probs(const at::Tensor& x);
  int64_t d_out() const { return options.d_out() > 0 ? options.d_out() : options.d_model(); }

  MMoEOptions options;
  /// The experts (ExpertBankImpl or HeterogeneousExpertsImpl), registered as "experts".
  std::shared_ptr<ExpertSet> experts;
  /// W_gk: D -> E, one per task, registered as "gate<k>".
  std::vector<torch::nn::Linear> gates;
};
TORCH_MODULE(MMoE);

}  // namespace moezoo::core
