#pragma once
/// The interface every graph model of the GeoMoE pipeline implements, so that
/// GeoMoE and its baselines (MLP, GCN, GAT, HGCN) train and evaluate through one task.

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <string>
#include <vector>

#include "core/moe/aux_losses.h"

namespace moezoo::models::geomoe {

/// One graph as the models read it; the pipeline builds it once per dataset.
struct GraphInputs {
  at::Tensor x;               ///< [N, F] node features
  at::Tensor adj;             ///< sparse [N, N], D^{-1/2} (A + I) D^{-1/2} (graph_adjacency.h)
  at::Tensor edge_index;      ///< [2, E] int64, both directions, no self loops
  /// [N, P] curvature statistics per node (curvature_features.h: column 0 is the mean
  /// Ollivier-Ricci curvature of the incident edges); undefined unless the model
  /// needs_curvature().
  at::Tensor node_curvature;
  /// [E] Ollivier-Ricci curvature of each edge of edge_index; undefined unless needed.
  at::Tensor edge_curvature;
};

class NodeClassifier : public torch::nn::Module {
 public:
  /// graph -> logits [N, C].
  virtual at::Tensor forward(const GraphInputs& graph) = 0;
  /// Auxiliary losses of the last training forward (MoE balancing, alignment,
  /// contrastive); none by default.
  virtual core::AuxLosses aux_losses() const { return {}; }
  /// Whether forward reads node_curvature / edge_curvature (the pipeline then
  /// computes Ollivier-Ricci curvature, cached on disk).
  virtual bool needs_curvature() const { return false; }
  /// Per-node expert weights of the last forward, [N, E]; undefined for models
  /// without experts.
  virtual at::Tensor expert_weights() const { return {}; }
  /// One name per expert ("kappa=-1", ...), empty without experts.
  virtual std::vector<std::string> expert_names() const { return {}; }
};

}  // namespace moezoo::models::geomoe
