#include "datasets/graph/heterophilous.h"

#include <ATen/ATen.h>

#include "core/io/tensor_convert.h"
#include "core/util/error.h"

namespace moezoo::datasets::graph {

GraphData load_heterophilous_npz(const std::filesystem::path& path, int64_t split_index) {
  const std::string where = path.string();
  auto arrays = io::load_npz(path);
  auto take = [&](const std::string& key) {
    auto it = arrays.find(key);
    check_input(it != arrays.end(), where,
                "missing array '" + key + "' (expected node_features, node_labels, edges, train_masks, val_masks, test_masks)");
    return it->second;
  };
  GraphData g;
  g.name = path.stem().string();
  g.x = take("node_features").to(at::kFloat);
  check_input(g.x.dim() == 2, where + ": node_features", "must be a 2-d array [N, F]");
  const int64_t n = g.x.size(0);
  g.y = take("node_labels").to(at::kLong);
  check_input(g.y.dim() == 1 && g.y.size(0) == n && n > 0, where + ": node_labels",
              "must be a non-empty array [N] with N = " + std::to_string(n) + " (the rows of node_features)");
  g.num_classes = g.y.max().item<int64_t>() + 1;
  const auto edges = take("edges");
  check_input(edges.dim() == 2 && edges.size(1) == 2 && at::isIntegralType(edges.scalar_type(), false),
              where + ": edges", "must be an integer array [E, 2]");
  g.edge_index = undirected_edge_index(edges.t().to(at::kLong), n, where + ": edges");

  at::Tensor masks[3];
  const char* const keys[] = {"train_masks", "val_masks", "test_masks"};
  for (int i = 0; i < 3; ++i) {
    auto m = take(keys[i]);
    if (m.dim() == 1) m = m.unsqueeze(0);  // a file with one split
    check_input(m.dim() == 2 && m.size(1) == n, where + ": " + keys[i],
                "must be an array [S, N] with N = " + std::to_string(n));
    masks[i] = m.to(at::kBool);
  }
  const int64_t s = masks[0].size(0);
  check_input(masks[1].size(0) == s && masks[2].size(0) == s, where,
              "train_masks, val_masks and test_masks hold different numbers of splits");
  check_input(split_index >= 0 && split_index < s, where,
              "data.split_index=" + std::to_string(split_index) + " is out of range: the file stores " +
                  std::to_string(s) + " splits");
  g.train_mask = masks[0][split_index].contiguous();
  g.val_mask = masks[1][split_index].contiguous();
  g.test_mask = masks[2][split_index].contiguous();
  check_input(!(g.train_mask & g.val_mask).any().item<bool>() && !(g.train_mask & g.test_mask).any().item<bool>() &&
                  !(g.val_mask & g.test_mask).any().item<bool>(),
              where, "split " + std::to_string(split_index) + " has nodes in more than one of train/val/test");
  g.num_stored_splits = s;
  g.split = "stored " + std::to_string(split_index) + " of " + std::to_string(s);
  validate(g, where);
  return g;
}

}  // namespace moezoo::datasets::graph
