#include "models/geomoe/geomoe.h"

#include <torch/torch.h>

#include <sstream>

#include "core/routing/make_router.h"
#include "core/util/error.h"
#include "models/geomoe/curvature_losses.h"

namespace moezoo::models::geomoe {

namespace {

/// Every node counted at its dominant expert (largest gate probability): with a soft
/// gate over all experts the kept assignments are uniform by construction, so the
/// statistics and the load heatmap count the expert each node leans on instead.
core::Routing dominant_expert_routing(const core::Routing& routing) {
  core::Routing top = routing;
  const auto [weight, index] = routing.router_probs.detach().max(1, /*keepdim=*/true);
  top.expert_indices = index;
  top.combine_weights = weight;
  top.keep_mask = torch::ones_like(index, torch::kBool);
  top.tokens_per_expert = torch::bincount(index.flatten(), {}, routing.num_experts);
  top.expert_choice = false;
  return top;
}

}  // namespace

GeoMoE::GeoMoE(GeoMoEOptions options)
    : options_(std::move(options)), stats_(static_cast<int64_t>(options_.kappas().size())) {
  const auto& o = options_;
  const auto experts = static_cast<int64_t>(o.kappas().size());
  check_input(experts >= 1, "model.kappas", "needs at least one expert curvature");
  check_input(o.top_k() >= 0 && o.top_k() <= experts, "model.top_k", "must be in [0, number of experts]");
  check_input(o.curvature_features() >= 1, "model.curvature_features", "must be at least 1");
  for (int64_t e = 0; e < experts; ++e)
    experts_.push_back(register_module("expert" + std::to_string(e),
                                       KappaGCN(KappaGCNOptions(o.in_features(), o.linear_readout() ? o.hidden() : o.classes())
                                                    .hidden(o.hidden())
                                                    .layers(o.layers())
                                                    .dropout(o.dropout())
                                                    .input_dropout(false)
                                                    .kappa(o.kappas()[e])
                                                    .learn_kappa(o.learn_kappa())
                                                    .propagation_steps(o.propagation_steps())
                                                    .propagate_hidden(o.propagate_hidden())
                                                    .teleport(o.teleport())
                                                    .ego_skip(o.ego_skip()))));
  gate_ = register_module("gate", core::make_router(core::RouterOptions("prior", o.in_features(), experts)
                                                        .k(o.top_k() == 0 ? experts : o.top_k())
                                                        .prior_dim(o.curvature_features())
                                                        .beta_init(o.prior_weight())));
  if (o.linear_readout()) classifier_ = register_module("classifier", torch::nn::Linear(o.hidden(), o.classes()));
  dropout_ = register_module("dropout", torch::nn::Dropout(o.dropout()));
  input_dropout_ = register_module("input_dropout", torch::nn::Dropout(o.input_dropout()));
}

std::vector<std::string> GeoMoE::expert_names() const {
  std::vector<std::string> names;
  for (double k : options_.kappas()) {
    std::ostringstream name;
    name << "kappa=" << k;
    names.push_back(name.str());
  }
  return names;
}

at::Tensor GeoMoE::kappas() const {
  std::vector<at::Tensor> k;
  for (const auto& e : experts_) k.push_back(e->kappa().reshape({1}));
  return torch::cat(k);
}

at::Tensor GeoMoE::forward(const GraphInputs& graph) {
  const auto& o = options_;
  check_input(graph.node_curvature.defined() && graph.node_curvature.dim() == 2 &&
                  graph.node_curvature.size(1) == o.curvature_features(),
              "GeoMoE", "needs node_curvature [N, " + std::to_string(o.curvature_features()) + "]");
  const int64_t n = graph.x.size(0), experts = static_cast<int64_t>(experts_.size());

  core::RouteContext context;
  context.prior = graph.node_curvature.to(graph.x.dtype());
  const at::Tensor x = o.input_dropout() > 0 ? input_dropout_(graph.x) : graph.x;
  const core::Routing routing = gate_->route(graph.adj.mm(x), context);
  // [N, E] gate: the kept combine weights at their experts, zeros elsewhere.
  const at::Tensor weights = routing.combine_weights * routing.keep_mask.to(routing.combine_weights.dtype());
  const at::Tensor gate = torch::zeros({n, experts}, weights.options()).scatter(1, routing.expert_indices, weights);

  std::vector<at::Tensor> outputs;
  for (auto& expert : experts_) outputs.push_back(expert->forward(x, graph.adj));
  const at::Tensor stacked = torch::stack(outputs, 1);  // [N, E, hidden]
  const at::Tensor mixed = (gate.unsqueeze(-1) * stacked).sum(1);
  last_gate_ = gate.detach();

  aux_ = core::balancing_losses(routing, o.balancer(), context);
  if (is_training()) {
    stats_.observe(dominant_expert_routing(routing));
    const at::Tensor node_curvature = graph.node_curvature.select(1, 0);
    if (o.align_coef() > 0)
      aux_.add("align", o.align_coef() * curvature_alignment_loss(routing.router_probs, node_curvature, kappas(),
                                                                   o.align_scale(), o.align_temperature()));
    if (o.contrast_coef() > 0 && graph.edge_index.defined()) {
      const at::Tensor candidates = curvature_consistent_edges(graph.edge_index, node_curvature, o.contrast_delta());
      if (candidates.size(1) >= 2) {
        const int64_t m = std::min(o.contrast_pairs(), candidates.size(1));
        const at::Tensor pick = torch::randperm(candidates.size(1), candidates.options()).slice(0, 0, m);
        aux_.add("contrast", o.contrast_coef() * curvature_contrastive_loss(mixed, candidates.index_select(1, pick),
                                                                           o.contrast_temperature()));
      }
    }
  }
  return o.linear_readout() ? classifier_(dropout_(mixed)) : mixed;
}

}  // namespace moezoo::models::geomoe
