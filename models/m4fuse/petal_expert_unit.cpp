#include "models/m4fuse/petal_expert_unit.h"

#include <torch/torch.h>

#include "core/routing/topk_selection.h"
#include "core/util/error.h"

namespace moezoo::models::m4fuse {

namespace {

core::Routing detached(const core::Routing& r) {
  core::Routing d = r;
  d.combine_weights = r.combine_weights.detach();
  d.router_logits = r.router_logits.detach();
  d.router_probs = r.router_probs.detach();
  return d;
}

}  // namespace

PetalExpertUnitImpl::PetalExpertUnitImpl(PetalExpertUnitOptions options_) : options(std::move(options_)) { reset(); }

void PetalExpertUnitImpl::reset() {
  const auto& o = options;
  check_input(o.num_experts() >= 1, "model.num_experts", "must be >= 1, got " + std::to_string(o.num_experts()));
  check_input(o.routing() == "site" || o.routing() == "gate", "model.routing",
              "must be \"site\" or \"gate\", got \"" + o.routing() + "\"");
  const auto mixer = PetaloMixerOptions(o.in_dim(), o.out_dim()).d_state(o.d_state()).d_conv(o.d_conv()).expand(o.expand());
  shared = register_module("shared", PetaloMixer(mixer));
  experts = register_module("experts", torch::nn::ModuleList());
  for (int64_t e = 0; e < o.num_experts(); ++e) experts->push_back(PetaloMixer(mixer));
  if (o.routing() == "gate") {
    router = register_module("router", torch::nn::Linear(torch::nn::LinearOptions(o.in_dim(), o.num_experts()).bias(false)));
  } else {
    router = nullptr;
  }
  dropout = register_module("dropout", torch::nn::Dropout3d(o.dropout()));
  fixed_ = std::make_shared<core::FixedRouterImpl>(core::FixedRouterOptions(o.num_experts()));
}

at::Tensor PetalExpertUnitImpl::forward(const at::Tensor& x, const at::Tensor& site, core::AuxLosses* aux) {
  const auto& o = options;
  check_input(x.dim() == 5 && x.size(1) == o.in_dim(), "PetalExpertUnit.forward",
              "x must be [B, " + std::to_string(o.in_dim()) + ", D, H, W], got " + c10::str(x.sizes()));
  const int64_t b = x.size(0);
  core::Routing routing;
  if (o.routing() == "gate") {
    const at::Tensor logits = router(x.mean({2, 3, 4}));  // [B, E]
    routing = core::select_topk(logits, core::TopKSelectionOptions(1).normalize_weights(false));
    if (is_training() && aux != nullptr) aux->merge(core::balancing_losses(routing, o.balancer()));
  } else {
    core::RouteContext context;
    context.ids = site.defined() ? site.to(x.device()) : torch::zeros({b}, x.options().dtype(torch::kLong));
    routing = fixed_->route(x.flatten(1), context);
  }

  const at::Tensor shared_out = shared(x);
  at::Tensor expert_out = torch::zeros_like(shared_out);
  const at::Tensor chosen = routing.expert_indices.select(1, 0);                                      // [B]
  const at::Tensor weight = routing.combine_weights.select(1, 0) * routing.keep_mask.select(1, 0).to(shared_out.dtype());
  for (int64_t e = 0; e < o.num_experts(); ++e) {
    const at::Tensor rows = (chosen == e).nonzero().squeeze(1);
    if (rows.numel() == 0) continue;
    const at::Tensor y = experts[e]->as<PetaloMixer>()->forward(x.index_select(0, rows));
    expert_out = expert_out.index_add(0, rows, y * weight.index_select(0, rows).view({-1, 1, 1, 1, 1}));
  }
  last_routing_ = detached(routing);
  return dropout(shared_out + expert_out);
}

at::Tensor PetalExpertUnitImpl::expert_weights() const {
  const core::Routing& r = last_routing_;
  if (!r.expert_indices.defined()) return {};
  const at::Tensor w = r.combine_weights * r.keep_mask.to(r.combine_weights.dtype());
  return torch::zeros({r.num_tokens(), r.num_experts}, w.options()).scatter(1, r.expert_indices, w);
}

}  // namespace moezoo::models::m4fuse
