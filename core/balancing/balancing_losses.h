#pragma once
/// Auxiliary load-balancing losses, each a 0-d tensor without its coefficient.
/// "Assignments" are as in core/balancing/assignments.h; s' are the per-token normalised
/// scores router_probs / sum_e router_probs (equal to the softmax probabilities for
/// softmax routers). Only P (through router_probs) and the z-loss (through
/// router_logits) carry gradient; the counts f do not.

#include <ATen/core/Tensor.h>

#include <cstdint>

#include "core/routing/routing.h"

namespace moezoo::core {

/// Switch Transformer load-balancing loss (Fedus et al. 2021, eqs. 4-6) in its top-k form:
///   L = E * sum_i f_i P_i,  f_i = (assignments to i) / (T * k),  P_i = mean_t s'_{t,i}.
/// Equals 1 at a perfectly uniform routing. HF transformers' load_balancing_loss_func
/// divides by T instead of T * k, so its value is k times this one.
at::Tensor switch_load_balancing_loss(const Routing& routing);

/// DeepSeek-V3 sequence-wise balance loss (arXiv:2412.19437, eqs. 17-20) without alpha,
/// averaged over the sequences:
///   L_s = sum_i f_i P_i,  f_i = E / (k T_s) * (assignments to i in s),
///   P_i = (1 / T_s) sum_{t in s} s'_{t,i}
/// (k T_s = the sequence's assignments). sequence_ids: [T] integers, any values, tokens of
/// one sequence need not be contiguous.
at::Tensor sequence_balance_loss(const Routing& routing, const at::Tensor& sequence_ids);
/// As above with T = B * sequence_length tokens laid out sequence after sequence.
at::Tensor sequence_balance_loss(const Routing& routing, int64_t sequence_length);

/// ST-MoE router z-loss (Zoph et al. 2022, eq. 5): mean_t (logsumexp_e logits_{t,e})^2,
/// computed in float32 or wider.
at::Tensor router_z_loss(const Routing& routing);

}  // namespace moezoo::core
