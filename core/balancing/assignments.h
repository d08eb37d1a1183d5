#pragma once
/// Which (token, expert) pairs a Routing assigns, the common input of the balancing
/// losses, the expert-bias update and the statistics.
///
/// Token-choice routing: every slot is an assignment the token asked for, kept or not
/// (Switch and DeepSeek-V3 count the router's choices, before capacity drops).
/// Expert-choice routing (Routing::expert_choice): the kept slots, i.e. what the experts chose.

#include <ATen/core/Tensor.h>

#include "core/routing/routing.h"

namespace moezoo::core {

/// -> [T, E] in router_probs' dtype: the number of assignments of token t to expert e
/// (0 or 1 for the routers of core/routing). Not differentiable.
at::Tensor assignment_matrix(const Routing& routing);

/// -> [E] int64: assignments per expert (the load the router asked for).
at::Tensor assignment_counts(const Routing& routing);

}  // namespace moezoo::core
