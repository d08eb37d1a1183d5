#include "models/geomoe/curvature_losses.h"

#include <torch/torch.h>

namespace moezoo::models::geomoe {

at::Tensor curvature_alignment_loss(const at::Tensor& gate_probs, const at::Tensor& node_curvature,
                                    const at::Tensor& kappas, double scale, double temperature) {
  const at::Tensor target_curvature = (scale * node_curvature.to(gate_probs.dtype())).unsqueeze(1);  // [N, 1]
  const at::Tensor k = kappas.to(gate_probs.dtype()).detach().unsqueeze(0);                       // [1, E]
  const at::Tensor log_q = torch::log_softmax(-(k - target_curvature).pow(2) / temperature, 1);
  const at::Tensor log_p = gate_probs.clamp_min(1e-12).log();
  return (log_q.exp() * (log_q - log_p)).sum(1).mean();
}

at::Tensor curvature_consistent_edges(const at::Tensor& edge_index, const at::Tensor& node_curvature, double delta) {
  const at::Tensor c = node_curvature.to(torch::kFloat64);
  const at::Tensor keep = (c.index_select(0, edge_index[0]) - c.index_select(0, edge_index[1])).abs() <= delta;
  return edge_index.index({torch::indexing::Slice(), keep});
}

at::Tensor curvature_contrastive_loss(const at::Tensor& embeddings, const at::Tensor& pairs, double temperature) {
  const at::Tensor z = torch::nn::functional::normalize(embeddings, torch::nn::functional::NormalizeFuncOptions().dim(1));
  const at::Tensor anchors = z.index_select(0, pairs[0]), positives = z.index_select(0, pairs[1]);
  const at::Tensor logits = anchors.matmul(positives.t()) / temperature;  // [M, M], diagonal = positives
  return torch::cross_entropy_loss(logits, torch::arange(pairs.size(1), pairs.options()));
}

}  // namespace moezoo::models::geomoe
