#include "core/moe/moe_layer.h"

#include <torch/torch.h>

#include "core/util/error.h"

namespace moezoo::core {

namespace {

Routing detached(const Routing& r) {
  Routing d = r;
  auto detach = [](at::Tensor& t) {
    if (t.defined()) t = t.detach();
  };
  detach(d.combine_weights);
  detach(d.router_logits);
  detach(d.router_probs);
  return d;
}

}  // namespace

MoELayerImpl::MoELayerImpl(MoELayerOptions options) : options_(std::move(options)), stats_(options_.num_experts()) {
  const auto& o = options_;
  const char* where = "MoELayer";
  check_input(o.d_model() > 0 && o.hidden() > 0 && o.num_experts() > 0, where,
              "d_model, hidden and num_experts must be positive");
  check_input(o.router().dim() == o.d_model(), where,
              "router.dim (" + std::to_string(o.router().dim()) + ") must equal d_model (" +
                  std::to_string(o.d_model()) + ")");
  check_input(o.router().num_experts() == o.num_experts(), where,
              "router.num_experts (" + std::to_string(o.router().num_experts()) + ") must equal num_experts (" +
                  std::to_string(o.num_experts()) + ")");
  check_input(o.num_shared_experts() >= 0, where, "num_shared_experts must be >= 0");

  router_ = register_module("router", make_router(o.router()));
  if (o.expert_factory()) {
    auto experts = HeterogeneousExperts(
        HeterogeneousExpertsOptions(o.num_experts(), o.d_model(), o.d_model(), o.expert_factory()));
    expert_set_ = experts.ptr();
    experts_module_ = register_module("experts", experts.ptr());
  } else {
    auto experts = ExpertBank(ExpertBankOptions(o.num_experts(), o.d_model(), o.hidden())
                                  .kind(o.expert_kind())
                                  .bias(o.expert_bias())
                                  .backend(o.grouped_mm()));
    expert_set_ = experts.ptr();
    experts_module_ = register_module("experts", experts.ptr());
  }
  if (o.num_shared_experts() > 0) {
    const int64_t width = (o.shared_hidden() > 0 ? o.shared_hidden() : o.hidden()) * o.num_shared_experts();
    shared_ = register_module("shared_experts", ExpertBank(ExpertBankOptions(1, o.d_model(), width)
                                                               .kind(o.expert_kind())
                                                               .bias(o.expert_bias())
                                                               .backend(o.grouped_mm())));
  }
  if (o.balancer().bias_update_rate() > 0) {
    const auto buffers = router_->named_buffers(/*recurse=*/false);
    const at::Tensor* bias = buffers.find("expert_bias");
    check_input(bias != nullptr, "MoELayer.balancer.bias_update_rate",
                "router '" + o.router().kind() + "' has no expert bias to update (use topk or prior)");
    bias_balancer_.emplace(*bias, ExpertBiasBalancerOptions().rate(o.balancer().bias_update_rate()));
  }
}

at::Tensor MoELayerImpl::forward(const at::Tensor& x, AuxLosses* aux) { return forward(x, RouteContext{}, aux); }

at::Tensor MoELayerImpl::forward(const at::Tensor& x, const RouteContext& context, AuxLosses* aux) {
  const int64_t D = options_.d_model();
  check_input(x.defined() && x.dim() >= 1 && x.size(-1) == D, "MoELayer.forward",
              "x must be [..., " + std::to_string(D) + "]");
  const at::Tensor tokens = x.reshape({-1, D});
  const int64_t T = tokens.size(0);

  const Routing routing = router_->route(tokens, context);
  if (aux) aux->merge(balancing_losses(routing, options_.balancer(), context));
  if (is_training()) {
    if (bias_balancer_) bias_balancer_->observe(routing);
    if (options_.track_stats()) stats_.observe(routing);
  }

  const auto dispatcher = make_dispatcher(options_.dispatch(), tokens.device());
  const DispatchPlan plan = dispatcher->plan(routing);
  const at::Tensor xs = dispatcher->dispatch(tokens, plan);
  const at::Tensor ys = expert_set_->forward_grouped(xs, plan.offsets);
  at::Tensor out = dispatcher->combine(ys, routing.combine_weights, plan);
  if (shared_) out = out + shared_->forward_grouped(tokens, {0, T});
  last_routing_ = detached(routing);
  return out.view(x.sizes());
}

void MoELayerImpl::step_expert_bias() {
  if (bias_balancer_) bias_balancer_->step();
}

void step_expert_bias(torch::nn::Module& module) {
  for (const auto& m : module.modules(/*include_self=*/true))
    if (auto* layer = dynamic_cast<MoELayerImpl*>(m.get())) layer->step_expert_bias();
}

}  // namespace moezoo::core
