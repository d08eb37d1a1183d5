#include "datasets/graph/graph_data.h"

#include <ATen/ATen.h>

#include "core/util/error.h"

namespace moezoo::datasets::graph {

void row_normalize_features(GraphData& g) { g.x = g.x / g.x.sum(1, /*keepdim=*/true).clamp_min(1e-12); }

void validate(const GraphData& g, const std::string& where) {
  check_input(g.x.defined() && g.x.dim() == 2, where, "features must be a 2-d array [N, F]");
  const int64_t n = g.x.size(0);
  check_input(g.y.defined() && g.y.dim() == 1 && g.y.size(0) == n, where,
              "labels must be [N] with N = " + std::to_string(n));
  check_input(g.edge_index.defined() && g.edge_index.dim() == 2 && g.edge_index.size(0) == 2, where,
              "edge_index must be [2, E]");
  if (g.edge_index.numel() > 0) {
    check_input(g.edge_index.min().item<int64_t>() >= 0 && g.edge_index.max().item<int64_t>() < n, where,
                "edge_index refers to nodes outside [0, " + std::to_string(n) + ")");
  }
  check_input(g.y.min().item<int64_t>() >= 0 && g.y.max().item<int64_t>() < g.num_classes, where,
              "labels outside [0, " + std::to_string(g.num_classes) + ")");
  for (const auto* mask : {&g.train_mask, &g.val_mask, &g.test_mask})
    check_input(mask->defined() && mask->dim() == 1 && mask->size(0) == n && mask->scalar_type() == at::kBool, where,
                "split masks must be bool [N]");
  check_input(g.train_mask.any().item<bool>(), where, "the training split is empty");
  check_input(at::isfinite(g.x).all().item<bool>(), where, "features contain NaN or Inf");
}

at::Tensor undirected_edge_index(const at::Tensor& pairs, int64_t num_nodes, const std::string& where) {
  check_input(pairs.defined() && pairs.dim() == 2 && pairs.size(0) == 2, where, "edges must be an array [2, E]");
  auto p = pairs.to(at::kLong);
  if (p.numel() == 0) return at::zeros({2, 0}, at::kLong);
  const int64_t lo = p.min().item<int64_t>(), hi = p.max().item<int64_t>();
  check_input(lo >= 0 && hi < num_nodes, where,
              "edge refers to node " + std::to_string(lo < 0 ? lo : hi) + ", outside [0, " + std::to_string(num_nodes) + ")");
  auto both = at::cat({p, p.flip(0)}, 1);
  both = both.index_select(1, both[0].ne(both[1]).nonzero().squeeze(1));
  // One int64 key per directed pair (exact for N < 3e9): sorting it orders by (source,
  // target) and unique_consecutive then drops repeats, both deterministic on CPU.
  auto key = std::get<0>(at::sort(both[0] * num_nodes + both[1]));
  key = std::get<0>(at::unique_consecutive(key));
  return at::stack({key.div(num_nodes, "floor"), key.remainder(num_nodes)}).contiguous();
}

}  // namespace moezoo::datasets::graph
