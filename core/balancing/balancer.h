#pragma once
/// The balancing losses an MoE layer reports, with their coefficients: one options
/// record (as configs write it) and one function producing the named AuxLosses terms.

#include <torch/arg.h>

#include <cstdint>

#include "core/moe/aux_losses.h"
#include "core/routing/router.h"

namespace moezoo::core {

struct BalancerOptions {
  /// Switch load-balancing loss, term "switch" (Switch Transformer used 1e-2).
  TORCH_ARG(double, switch_coef) = 0.0;
  /// DeepSeek-V3 sequence-wise balance loss, term "seq" (DeepSeek-V3 used 1e-4).
  TORCH_ARG(double, seq_coef) = 0.0;
  /// ST-MoE router z-loss, term "z" (ST-MoE used 1e-3).
  TORCH_ARG(double, z_coef) = 0.0;
  /// Sequences for the "seq" term when RouteContext.sequence_ids is absent: T = B *
  /// sequence_length tokens, one sequence after another; 0 = the whole batch is one sequence.
  TORCH_ARG(int64_t, sequence_length) = 0;
  /// Auxiliary-loss-free balancing (DeepSeek-V3 used 1e-3): the layer updates the
  /// router's expert bias with ExpertBiasBalancer at this rate; 0 = off. Not a loss.
  TORCH_ARG(double, bias_update_rate) = 0.0;
};

/// The terms whose coefficient is non-zero, each already multiplied by it: "switch",
/// "seq", "z". Sequences for "seq": context.sequence_ids, else sequence_length, else one
/// sequence holding all T tokens.
AuxLosses balancing_losses(const Routing& routing, const BalancerOptions& options, const RouteContext& context = {});

}  // namespace moezoo::core
