#include "models/geomoe/graph_adjacency.h"

#include <ATen/ATen.h>

namespace moezoo::models::geomoe {

at::Tensor normalized_adjacency(const at::Tensor& edge_index, int64_t num_nodes) {
  auto loops = at::arange(num_nodes, at::kLong).unsqueeze(0).repeat({2, 1});
  auto edges = at::cat({edge_index.to(at::kLong), loops}, 1);
  // Duplicate edges collapse to one (weight 1), as in a simple graph.
  auto ones = at::ones({edges.size(1)}, at::kFloat);
  auto adj = at::sparse_coo_tensor(edges, ones, {num_nodes, num_nodes}).coalesce();
  auto indices = adj.indices();
  auto values = at::ones_like(adj.values());
  auto degree = at::zeros({num_nodes}, at::kFloat).index_add_(0, indices[0], values);
  auto inv_sqrt = degree.pow(-0.5);
  auto normalized = values * inv_sqrt.index_select(0, indices[0]) * inv_sqrt.index_select(0, indices[1]);
  return at::sparse_coo_tensor(indices, normalized, {num_nodes, num_nodes}).coalesce();
}

at::Tensor ppr_propagate(const at::Tensor& adj, const at::Tensor& h, int64_t steps, double alpha) {
  at::Tensor z = h;
  for (int64_t s = 0; s < steps; ++s) {
    z = adj.mm(z);
    if (alpha > 0) z = (1.0 - alpha) * z + alpha * h;
  }
  return z;
}

}  // namespace moezoo::models::geomoe
