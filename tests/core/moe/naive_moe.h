#pragma once
/// The naive reference MoE: a loop over experts with boolean masks, every expert
/// run on every token, computing the same function from the same weights as the
/// sort/dispatch/grouped-matmul path but sharing none of its code:
///
///   m_e[t] = sum_j [expert_indices[t, j] == e and keep_mask[t, j]] * w[t, j]
///   y      = sum_e m_e[:, None] * f_e(x)  (+ shared(x))
///
/// Used by the tests (equality in value and gradients) and by the benchmark
/// (the "naive masked loop" column).

#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <vector>

#include "core/experts/expert_bank.h"
#include "core/experts/heterogeneous_experts.h"
#include "core/moe/mmoe.h"
#include "core/moe/moe_layer.h"
#include "core/routing/routing.h"

namespace moezoo::testing {

using ExpertFn = std::function<at::Tensor(int64_t expert, const at::Tensor& x)>;

/// [T]: the total weight token t gives expert e (0 where it does not route there).
inline at::Tensor naive_expert_weight(const core::Routing& r, int64_t e) {
  const at::Tensor mask = r.expert_indices.eq(e).logical_and(r.keep_mask);
  return (r.combine_weights * mask.to(r.combine_weights.scalar_type())).sum(1);
}

/// x: [T, D] -> [T, D_out]: sum over experts of masked weight times expert(e, x).
inline at::Tensor naive_moe(const core::Routing& r, const at::Tensor& x, const ExpertFn& expert) {
  at::Tensor out;
  for (int64_t e = 0; e < r.num_experts; ++e) {
    const at::Tensor term = naive_expert_weight(r, e).to(x.scalar_type()).unsqueeze(1) * expert(e, x);
    out = out.defined() ? out + term : term;
  }
  return out;
}

/// Expert e of `bank` on x [n, D], written from the stacked weights with plain ops.
inline at::Tensor naive_bank_expert(const core::ExpertBankImpl& bank, int64_t e, const at::Tensor& x) {
  at::Tensor h = torch::matmul(x, bank.w1[e]);
  if (bank.b1.defined()) h = h + bank.b1[e];
  const int64_t H = bank.options.hidden();
  switch (bank.options.kind()) {
    case core::ExpertKind::kGeluMlp: h = 0.5 * h * (1 + torch::erf(h / std::sqrt(2.0))); break;
    case core::ExpertKind::kSwiGlu: {
      const at::Tensor gate = h.narrow(1, 0, H), up = h.narrow(1, H, H);
      h = gate * torch::sigmoid(gate) * up;
      break;
    }
    case core::ExpertKind::kLowRank: break;
  }
  at::Tensor y = torch::matmul(h, bank.w2[e]);
  return bank.b2.defined() ? y + bank.b2[e] : y;
}

/// The routed experts of an MoE layer as an ExpertFn (bank or heterogeneous).
inline ExpertFn naive_experts_of(core::MoELayerImpl& layer) {
  auto module = layer.experts_module();
  if (auto bank = std::dynamic_pointer_cast<core::ExpertBankImpl>(module))
    return [bank](int64_t e, const at::Tensor& x) { return naive_bank_expert(*bank, e, x); };
  auto list = std::dynamic_pointer_cast<core::HeterogeneousExpertsImpl>(module);
  return [list](int64_t e, const at::Tensor& x) { return list->experts[e].forward(x); };
}

/// The MoE layer's function on x [..., D], by the naive loop: the layer's own router
/// (re-run: routers are deterministic without training noise), masked experts,
/// plus the shared experts.
inline at::Tensor naive_moe_layer(core::MoELayerImpl& layer, const at::Tensor& x,
                                  const core::RouteContext& context = {}) {
  const int64_t D = layer.options().d_model();
  const at::Tensor tokens = x.reshape({-1, D});
  const core::Routing r = layer.router()->route(tokens, context);
  at::Tensor out = naive_moe(r, tokens, naive_experts_of(layer));
  if (layer.shared_experts()) out = out + naive_bank_expert(*layer.shared_experts(), 0, tokens);
  return out.reshape(x.sizes());
}

/// MMoE by loops over tasks and experts: out_k = sum_e softmax(W_gk x)_e f_e(x).
inline std::vector<at::Tensor> naive_mmoe(core::MMoEImpl& mmoe, const at::Tensor& x) {
  ExpertFn expert;
  if (auto bank = std::dynamic_pointer_cast<core::ExpertBankImpl>(mmoe.experts))
    expert = [bank](int64_t e, const at::Tensor& t) { return naive_bank_expert(*bank, e, t); };
  else {
    auto list = std::dynamic_pointer_cast<core::HeterogeneousExpertsImpl>(mmoe.experts);
    expert = [list](int64_t e, const at::Tensor& t) { return list->experts[e].forward(t); };
  }
  const at::Tensor tokens = x.reshape({-1, mmoe.options.d_model()});
  std::vector<at::Tensor> outs;
  for (auto& gate : mmoe.gates) {
    const at::Tensor g = torch::softmax(gate(tokens), -1);
    at::Tensor out;
    for (int64_t e = 0; e < mmoe.options.num_experts(); ++e) {
      const at::Tensor term = g.narrow(1, e, 1) * expert(e, tokens);
      out = out.defined() ? out + term : term;
    }
    std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
    shape.back() = mmoe.d_out();
    outs.push_back(out.reshape(shape));
  }
  return outs;
}

}  // namespace moezoo::testing
