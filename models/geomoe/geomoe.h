#pragma once
/// GeoMoE (Cao et al., "Geometric Mixture-of-Experts with Curvature-Guided Adaptive
/// Routing for Graph Representation Learning", arXiv 2603.22317): node encoders in
/// several constant-curvature spaces, mixed per node by a graph-aware gate guided by
/// Ollivier-Ricci curvature (ORC):
///   z_e    = KappaGCN_e(X, A_hat)                 e = 1..E, kappa_e in {-1, 0, +1}
///   p_v    = softmax(W_g (A_hat X)_v + beta W_p r_v)   r_v: curvature statistics of v
///   z_v    = sum_e p_v(e) z_e,v  (or over the top-k experts, renormalised)
///   logits = W_c dropout(z)
/// trained with cross-entropy + lambda_a L_align + lambda_c L_contrast
/// (models/geomoe/curvature_losses.h) + any balancing loss.
///
/// No official code is public; where the paper is silent we chose, following the
/// closest public design (GraphMoRE: one kappa-GCN expert per curvature):
/// - Experts: 2-layer kappa-GCNs (models/geomoe/kappa_gcn.h) with tangent-space
///   aggregation; they output tangent vectors at the origin, where the mixture is
///   taken (a mixture of points of different manifolds has no other common space).
/// - Gate ("graph-aware"): the core's prior-guided router (core/routing/prior_router.h)
///   on the propagated features A_hat X, with the curvature statistics r_v as the
///   prior ([N, P] -> E by a learned map). Soft by default (k = E), as the paper mixes
///   every expert per node.
/// - Every expert runs on the whole graph: a node's expert needs its neighbours, so
///   the core's sort-based dispatch (which hands an expert only its own rows) does not
///   apply; the routing, its statistics and the balancing losses are the core's.
/// - Classifier: one linear layer on the mixed embedding, dropout before it
///   (linear_readout), or none: experts then output class logits, which are mixed.
/// - The input features are dropped out once per forward and shared by the gate and
///   every expert (one Bernoulli mask instead of E + 1: it dominated the CPU time).
///   Its rate is model.input_dropout (default: model.dropout).
/// - Not in the paper, offered by the pipeline for any graph model: GRAND's consistency
///   regularisation (models/geomoe/consistency_regularization.h, train.consistency.*).
/// - Routing statistics (the trainer's load heatmap) count each node at its dominant
///   expert: with a soft gate every node reaches every expert.

#include <torch/arg.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

#include <memory>
#include <vector>

#include "core/balancing/balancer.h"
#include "core/balancing/routing_stats.h"
#include "core/moe/routed_layer.h"
#include "core/routing/router.h"
#include "models/geomoe/kappa_gcn.h"
#include "models/geomoe/node_classifier.h"

namespace moezoo::models::geomoe {

struct GeoMoEOptions {
  GeoMoEOptions(int64_t in_features, int64_t classes, int64_t curvature_features)
      : in_features_(in_features), classes_(classes), curvature_features_(curvature_features) {}
  TORCH_ARG(int64_t, in_features);
  TORCH_ARG(int64_t, classes);
  /// P, the columns of GraphInputs::node_curvature the gate reads.
  TORCH_ARG(int64_t, curvature_features);
  TORCH_ARG(int64_t, hidden) = 64;
  /// true: experts output `hidden` features, mixed, then a linear classifier;
  /// false: experts output class logits and the gate mixes those.
  TORCH_ARG(bool, linear_readout) = true;
  TORCH_ARG(int64_t, layers) = 2;
  TORCH_ARG(double, dropout) = 0.5;
  /// Dropout of the input features, shared by the gate and every expert (the registry
  /// reads model.input_dropout and falls back to model.dropout).
  TORCH_ARG(double, input_dropout) = 0.5;
  /// One expert per curvature.
  TORCH_ARG(std::vector<double>, kappas) = std::vector<double>{-1.0, 0.0, 1.0};
  TORCH_ARG(bool, learn_kappa) = false;
  /// Personalized-PageRank steps and teleport of each expert's last layer (KappaGCNOptions).
  TORCH_ARG(int64_t, propagation_steps) = 1;
  TORCH_ARG(double, teleport) = 0.1;
  /// Whether expert layers before the last aggregate too (KappaGCNOptions::propagate_hidden).
  TORCH_ARG(bool, propagate_hidden) = true;
  /// Ego/neighbour separation in every expert layer (KappaGCNOptions::ego_skip).
  TORCH_ARG(bool, ego_skip) = false;
  /// Experts mixed per node: 0 = all of them.
  TORCH_ARG(int64_t, top_k) = 0;
  /// Initial weight beta of the curvature prior in the gate.
  TORCH_ARG(double, prior_weight) = 1.0;
  TORCH_ARG(core::BalancerOptions, balancer) = {};
  TORCH_ARG(double, align_coef) = 0.1;
  TORCH_ARG(double, align_scale) = 1.0;        ///< s: node curvature -> target expert curvature
  TORCH_ARG(double, align_temperature) = 0.5;  ///< tau of the alignment target
  TORCH_ARG(double, contrast_coef) = 0.1;
  TORCH_ARG(double, contrast_temperature) = 0.5;
  TORCH_ARG(double, contrast_delta) = 0.1;  ///< |c_u - c_v| of a curvature-consistent pair
  TORCH_ARG(int64_t, contrast_pairs) = 512; ///< M, pairs sampled per training step
};

class GeoMoE : public NodeClassifier, public core::RoutedLayer {
 public:
  explicit GeoMoE(GeoMoEOptions options);

  /// graph.x: [N, F], graph.adj, graph.node_curvature: [N, P] (+ edge_index for the
  /// contrastive loss) -> logits [N, C]
  at::Tensor forward(const GraphInputs& graph) override;
  core::AuxLosses aux_losses() const override { return aux_; }
  bool needs_curvature() const override { return true; }
  core::RoutingStats& stats() override { return stats_; }

  /// The gate's per-node weights of the last forward: [N, E] (zeros for unchosen experts).
  at::Tensor expert_weights() const override { return last_gate_; }
  /// "kappa=-1", "kappa=0", "kappa=1" (initial curvatures).
  std::vector<std::string> expert_names() const override;
  /// [E] current expert curvatures.
  at::Tensor kappas() const;
  const GeoMoEOptions& options() const { return options_; }

 private:
  GeoMoEOptions options_;
  std::vector<KappaGCN> experts_;
  std::shared_ptr<core::Router> gate_;
  torch::nn::Linear classifier_{nullptr};  // null without linear_readout
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Dropout input_dropout_{nullptr};
  core::RoutingStats stats_;
  core::AuxLosses aux_;
  at::Tensor last_gate_;
};

}  // namespace moezoo::models::geomoe
