#pragma once
/// GeoMoE's two curvature-guided training losses (Cao et al., arXiv 2603.22317; the
/// paper gives their intent, not their formulas, so these are our definitions).
///
/// Alignment: the gate should send negatively curved (tree-like) nodes to the
/// hyperbolic expert, flat ones to the Euclidean expert and positively curved
/// (clique-like) ones to the spherical expert. With expert curvatures kappa_e and the
/// node curvature c_v (mean Ollivier-Ricci curvature of its edges, in [-1, 1]), the
/// target over experts is
///   q_v(e) = softmax_e(-(kappa_e - s c_v)^2 / tau)
/// and the loss is the mean over nodes of KL(q_v || p_v), p_v the gate's probabilities.
///
/// Contrastive: InfoNCE (van den Oord et al. 2018) over edges whose endpoints agree in
/// curvature, |c_u - c_v| <= delta (curvature-consistent pairs are positives: they lie
/// in the same kind of region); for a sample of M such edges (u_i, v_i) the loss is
///   -1/M sum_i log( exp(z_ui . z_vi / t) / sum_j exp(z_ui . z_vj / t) ),
/// z the L2-normalised node embeddings, the other sampled v_j the negatives.

#include <ATen/core/Tensor.h>

#include <vector>

namespace moezoo::models::geomoe {

/// kappas: [E] expert curvatures, node_curvature: [N], gate_probs: [N, E] -> 0-d
at::Tensor curvature_alignment_loss(const at::Tensor& gate_probs, const at::Tensor& node_curvature,
                                    const at::Tensor& kappas, double scale, double temperature);

/// The edges of edge_index ([2, E]) whose endpoint curvatures differ by at most
/// `delta` -> [2, E'] (the candidate positive pairs).
at::Tensor curvature_consistent_edges(const at::Tensor& edge_index, const at::Tensor& node_curvature, double delta);

/// embeddings: [N, D], pairs: [2, M] (sampled consistent edges) -> 0-d InfoNCE
at::Tensor curvature_contrastive_loss(const at::Tensor& embeddings, const at::Tensor& pairs, double temperature);

}  // namespace moezoo::models::geomoe
