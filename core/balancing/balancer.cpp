#include "core/balancing/balancer.h"

#include <torch/torch.h>

#include "core/balancing/balancing_losses.h"

namespace moezoo::core {

AuxLosses balancing_losses(const Routing& routing, const BalancerOptions& options, const RouteContext& context) {
  AuxLosses losses;
  if (options.switch_coef() != 0) losses.add("switch", options.switch_coef() * switch_load_balancing_loss(routing));
  if (options.seq_coef() != 0) {
    at::Tensor loss;
    if (context.sequence_ids.has_value()) {
      loss = sequence_balance_loss(routing, *context.sequence_ids);
    } else {
      const int64_t length = options.sequence_length() > 0 ? options.sequence_length() : routing.num_tokens();
      loss = length > 0 ? sequence_balance_loss(routing, length) : at::zeros({}, routing.router_probs.options());
    }
    losses.add("seq", options.seq_coef() * loss);
  }
  if (options.z_coef() != 0) losses.add("z", options.z_coef() * router_z_loss(routing));
  return losses;
}

}  // namespace moezoo::core
