#include "core/balancing/balancing_losses.h"

#include <torch/torch.h>

#include "core/balancing/assignments.h"
#include "core/routing/scoring.h"
#include "core/util/error.h"

namespace moezoo::core {

namespace {

void check_probs(const Routing& routing, const std::string& where) {
  check_input(routing.router_probs.defined() && routing.router_probs.dim() == 2 &&
                  routing.router_probs.size(0) == routing.num_tokens() &&
                  routing.router_probs.size(1) == routing.num_experts,
              where, "Routing.router_probs must be [T, E]");
}

}  // namespace

at::Tensor switch_load_balancing_loss(const Routing& routing) {
  check_probs(routing, "switch_load_balancing_loss");
  const at::Tensor probs = normalize_scores(routing.router_probs);
  if (routing.num_tokens() == 0) return at::zeros({}, probs.options());
  const at::Tensor counts = assignment_matrix(routing).sum(0);  // [E]
  const at::Tensor f = counts / counts.sum().clamp_min(1);
  const at::Tensor p = probs.mean(0);
  return static_cast<double>(routing.num_experts) * (f * p).sum();
}

at::Tensor sequence_balance_loss(const Routing& routing, const at::Tensor& sequence_ids) {
  const std::string where = "sequence_balance_loss";
  check_probs(routing, where);
  const int64_t t = routing.num_tokens();
  check_input(sequence_ids.defined() && sequence_ids.dim() == 1 && sequence_ids.size(0) == t,
              where + ": RouteContext.sequence_ids", "must be [T=" + std::to_string(t) + "]");
  check_input(!at::isFloatingType(sequence_ids.scalar_type()) && sequence_ids.scalar_type() != at::kBool,
              where + ": RouteContext.sequence_ids", "must be an integer tensor");
  const at::Tensor probs = normalize_scores(routing.router_probs);
  if (t == 0) return at::zeros({}, probs.options());
  // Membership matrix [T, N]: per-sequence sums become matmuls, which are deterministic
  // on GPUs where index_add_ of floats is not.
  const at::Tensor inverse = std::get<1>(at::_unique(sequence_ids.to(probs.device()), /*sorted=*/true,
                                                     /*return_inverse=*/true));
  const int64_t n = inverse.max().item<int64_t>() + 1;
  const at::Tensor member = at::one_hot(inverse, n).to(probs.scalar_type());
  const at::Tensor counts = member.t().matmul(assignment_matrix(routing));  // [N, E]
  const at::Tensor prob_sums = member.t().matmul(probs);                    // [N, E]
  const at::Tensor tokens = member.sum(0).unsqueeze(1);                     // [N, 1]
  const at::Tensor f = static_cast<double>(routing.num_experts) * counts / counts.sum(1, true).clamp_min(1);
  const at::Tensor p = prob_sums / tokens;
  return (f * p).sum(1).mean();
}

at::Tensor sequence_balance_loss(const Routing& routing, int64_t sequence_length) {
  const int64_t t = routing.num_tokens();
  check_input(sequence_length > 0 && t % sequence_length == 0, "sequence_balance_loss: sequence_length",
              "must be positive and divide T=" + std::to_string(t) + ", got " + std::to_string(sequence_length));
  const at::Tensor ids = at::arange(t, routing.expert_indices.options().dtype(at::kLong)).div(sequence_length, "floor");
  return sequence_balance_loss(routing, ids);
}

at::Tensor router_z_loss(const Routing& routing) {
  const at::Tensor& logits = routing.router_logits;
  check_input(logits.defined() && logits.dim() == 2, "router_z_loss", "Routing.router_logits must be [T, E]");
  const at::Tensor wide = logits.scalar_type() == at::kDouble ? logits : logits.to(at::kFloat);
  if (logits.size(0) == 0) return at::zeros({}, wide.options());
  return wide.logsumexp(-1).square().mean();
}

}  // namespace moezoo::core
