#pragma once
/// PetalExpertUnit (PEU), the MoE stage of M4Fuse (arXiv 2605.02444; official code
/// tonxycs/M4Fuse, Network/M4Fuse.py, class PetalExpertUnit): a shared PetaloMixer that
/// every sample passes plus E expert PetaloMixers of which each sample uses one:
///   y_b = Dropout3d( f_shared(x_b) + w_b f_{e(b)}(x_b) )             x_b: [C, D, H, W]
/// routing "site" (the official code): e(b) = site_b (dataset / data type / modality id),
///   w_b = 1, nothing learned (core::FixedRouter);
/// routing "gate" (the learned-gate ablation): logits_b = W_g mean_{DHW}(x_b), top-1 of
///   softmax(logits_b) chooses e(b) and w_b = softmax(logits_b)[e(b)] (core::select_topk,
///   not renormalised so that the gate gets the task gradient), plus the core's balancing
///   losses over the B routing tokens (Switch loss by default).
///
/// A sample is one routing token. This is an adapter rather than core::MoELayer with
/// HeterogeneousExperts because (1) an expert row would be a whole sample, C x D H W wide,
/// whose width changes with the input size while the core's experts and routers have a
/// fixed row width, (2) the learned gate reads a pooled [B, C] feature, not the row the
/// MoE layer dispatches, and (3) the core's MoELayer and routers are not Cloneable, and
/// the zoo's models are. It uses the core's routers and balancing losses and only
/// replaces the dispatch by a loop over the experts (index_select, run, index_add).
///
/// The gate is the paper's ablation only; its form (linear on the mean-pooled features,
/// top-1 softmax) is our choice, the code has no gate.

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/balancing/balancer.h"
#include "core/moe/aux_losses.h"
#include "core/routing/fixed_router.h"
#include "core/routing/routing.h"
#include "models/m4fuse/petalo_mixer.h"

namespace moezoo::models::m4fuse {

struct PetalExpertUnitOptions {
  PetalExpertUnitOptions(int64_t in_dim, int64_t out_dim, int64_t num_experts)
      : in_dim_(in_dim), out_dim_(out_dim), num_experts_(num_experts) {}
  TORCH_ARG(int64_t, in_dim);
  TORCH_ARG(int64_t, out_dim);
  /// E (the code's num_data_exps, 1 by default there).
  TORCH_ARG(int64_t, num_experts);
  /// "site" (fixed by id) or "gate" (learned top-1).
  TORCH_ARG(std::string, routing) = "site";
  /// Balancing losses of the gate (ignored for site routing).
  TORCH_ARG(core::BalancerOptions, balancer) = core::BalancerOptions().switch_coef(1e-2);
  /// Channel dropout on the output (Dropout3d(0.2) in the code).
  TORCH_ARG(double, dropout) = 0.2;
  TORCH_ARG(int64_t, d_state) = 16;
  TORCH_ARG(int64_t, d_conv) = 4;
  TORCH_ARG(int64_t, expand) = 2;
};

class PetalExpertUnitImpl : public torch::nn::Cloneable<PetalExpertUnitImpl> {
 public:
  explicit PetalExpertUnitImpl(PetalExpertUnitOptions options);
  void reset() override;

  /// x: [B, C, D, H, W], site: [B] int64 in [0, E) (site routing; undefined = all 0,
  /// ignored by the gate) -> [B, C_out, D, H, W]. In training mode with the gate, the
  /// balancing losses are added to *aux when aux is not null.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& site = {}, core::AuxLosses* aux = nullptr);

  /// The routing of the last forward (detached): B tokens, k = 1.
  const core::Routing& last_routing() const { return last_routing_; }
  /// [B, E] combine weight of each sample at each expert in the last forward (0 elsewhere).
  at::Tensor expert_weights() const;

  PetalExpertUnitOptions options;
  PetaloMixer shared{nullptr};
  torch::nn::ModuleList experts{nullptr};
  /// W_g: C -> E without bias; only with the gate.
  torch::nn::Linear router{nullptr};
  torch::nn::Dropout3d dropout{nullptr};

 private:
  /// Site routing (no parameters, so not registered; rebuilt by reset()).
  std::shared_ptr<core::FixedRouterImpl> fixed_;
  core::Routing last_routing_;
};
TORCH_MODULE(PetalExpertUnit);

}  // namespace moezoo::models::m4fuse
