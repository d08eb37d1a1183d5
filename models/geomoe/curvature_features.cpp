#include "models/geomoe/curvature_features.h"

#include <torch/torch.h>

namespace moezoo::models::geomoe {

at::Tensor node_curvature_features(const at::Tensor& edge_index, const at::Tensor& edge_curvature, int64_t num_nodes) {
  // Each undirected edge appears in both directions, so grouping by the source counts
  // every incident edge of a node exactly once.
  const at::Tensor source = edge_index[0];
  const at::Tensor c = edge_curvature.to(torch::kFloat64);
  const auto options = c.options();
  const at::Tensor count = torch::zeros({num_nodes}, options).index_add(0, source, torch::ones_like(c));
  const at::Tensor safe_count = count.clamp_min(1);
  const at::Tensor mean = torch::zeros({num_nodes}, options).index_add(0, source, c) / safe_count;
  const at::Tensor sq = torch::zeros({num_nodes}, options).index_add(0, source, c * c) / safe_count;
  const at::Tensor std = (sq - mean * mean).clamp_min(0).sqrt();
  at::Tensor min = torch::full({num_nodes}, std::numeric_limits<double>::infinity(), options)
                       .scatter_reduce(0, source, c, "amin");
  at::Tensor max = torch::full({num_nodes}, -std::numeric_limits<double>::infinity(), options)
                       .scatter_reduce(0, source, c, "amax");
  const at::Tensor isolated = count == 0;
  min = torch::where(isolated, torch::zeros_like(min), min);
  max = torch::where(isolated, torch::zeros_like(max), max);
  return torch::stack({mean, min, max, std}, 1).to(torch::kFloat32);
}

}  // namespace moezoo::models::geomoe
