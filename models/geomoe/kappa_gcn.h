#pragma once
/// A graph convolutional encoder in one constant-curvature space: kappa-GCN
/// (Bachmann et al., "Constant Curvature Graph Convolutional Networks", ICML 2020),
/// with the neighbourhood aggregation done in the tangent space at the origin as in
/// HGCN (Chami et al., "Hyperbolic Graph Convolutional Neural Networks", NeurIPS 2019,
/// eq. 4-7) rather than by kappa-GCN's weighted gyromidpoint. Layer l maps tangent
/// vectors t (Euclidean features count as tangent vectors at the origin) to
///   h   = exp0_k(dropout(t))                       (onto the manifold)
///   m   = (W_l (x)_k h) (+)_k exp0_k(b_l)            (Mobius linear map and bias;
///                                                    W (x)_k exp0_k(t) = exp0_k(W t))
///   t'  = sigma(A_hat log0_k(m))                     (aggregation in the tangent space)
/// with sigma = ReLU except after the last layer. kappa = 0 gives exactly Kipf &
/// Welling's GCN (bias added before the propagation). The curvature is fixed or
/// learnable (learn_kappa; it may then change sign, which the kappa-stereographic
/// formulas allow).
///
/// Optionally the last layer propagates by personalized PageRank instead of one
/// A_hat step (propagation_steps K > 1, teleport alpha; APPNP, Gasteiger et al. 2019),
/// still in the tangent space at the origin: t' = PPR_K(log0_k(m)). Deep propagation
/// without K weight matrices is what lifts GCN-style encoders on the sparsely
/// labelled Planetoid splits (APPNP: Cora 83.3 against GCN's 81.5).
///
/// Optionally every layer also keeps the node's own features apart from its
/// neighbours' (ego_skip; H2GCN's ego/neighbour separation, Zhu et al., NeurIPS 2020,
/// and GraphSAGE's root weight): t' = sigma(A_hat log0_k(m) + S_l t) with a second
/// weight S_l, added in the tangent space. On heterophilous graphs, where neighbours
/// mostly carry other labels, the plain A_hat average drowns the node's own features.
///
/// Where the papers leave a choice: tangent-space aggregation at the origin (cheaper
/// than gyromidpoints and what GraphMoRE-style experts use), ReLU in the tangent
/// space, Glorot weights and zero biases (as GCN).

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/pimpl.h>

#include <vector>

#include "models/geomoe/node_classifier.h"

namespace moezoo::models::geomoe {

struct KappaGCNOptions {
  KappaGCNOptions(int64_t in_features, int64_t out_features) : in_features_(in_features), out_features_(out_features) {}
  TORCH_ARG(int64_t, in_features);
  TORCH_ARG(int64_t, out_features);
  TORCH_ARG(int64_t, hidden) = 16;
  TORCH_ARG(int64_t, layers) = 2;
  TORCH_ARG(double, dropout) = 0.5;
  /// Dropout on the input features too (off when the caller drops them once for
  /// several encoders, as GeoMoE does).
  TORCH_ARG(bool, input_dropout) = true;
  /// Initial curvature: < 0 hyperbolic, 0 Euclidean, > 0 spherical.
  TORCH_ARG(double, kappa) = -1.0;
  TORCH_ARG(bool, learn_kappa) = false;
  /// Propagation steps of the last layer: 1 = one A_hat step (kappa-GCN/HGCN).
  TORCH_ARG(int64_t, propagation_steps) = 1;
  /// alpha of the personalized-PageRank propagation (used when propagation_steps > 1).
  TORCH_ARG(double, teleport) = 0.1;
  /// false: the layers before the last map each node alone (no A_hat), so that all the
  /// propagation is the last layer's: APPNP's predict-then-propagate (an MLP, then
  /// PPR). true: every layer aggregates, as GCN does.
  TORCH_ARG(bool, propagate_hidden) = true;
  /// A separate weight for the node's own features in every layer (see above).
  TORCH_ARG(bool, ego_skip) = false;
};

class KappaGCNImpl : public torch::nn::Cloneable<KappaGCNImpl> {
 public:
  explicit KappaGCNImpl(KappaGCNOptions options);
  void reset() override;
  /// x: [N, F] (tangent vectors at the origin), adj: sparse [N, N] -> [N, out]
  /// tangent vectors at the origin (log0 of the final embedding).
  at::Tensor forward(const at::Tensor& x, const at::Tensor& adj);
  /// 0-d curvature (a parameter when learn_kappa, else a buffer).
  const at::Tensor& kappa() const { return kappa_; }

  std::vector<at::Tensor> weights, biases;
  std::vector<at::Tensor> ego_weights;  ///< [out, in] per layer, with ego_skip

 private:
  KappaGCNOptions options_;
  at::Tensor kappa_;
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(KappaGCN);

/// A single-space node classifier: KappaGCN with out = classes (the hyperbolic GCN
/// baseline with kappa = -1).
class KappaGCNClassifier : public NodeClassifier {
 public:
  explicit KappaGCNClassifier(KappaGCNOptions options);
  /// graph.x: [N, F], graph.adj -> logits [N, C]
  at::Tensor forward(const GraphInputs& graph) override;
  KappaGCN encoder{nullptr};
};

}  // namespace moezoo::models::geomoe
