#include "datasets/graph/planetoid.h"

#include <ATen/ATen.h>

#include "core/io/tensor_convert.h"
#include "core/util/error.h"

namespace moezoo::datasets::graph {

GraphData load_planetoid_npz(const std::filesystem::path& path) {
  const std::string where = path.string();
  auto arrays = io::load_npz(path);
  auto take = [&](const std::string& key) {
    auto it = arrays.find(key);
    check_input(it != arrays.end(), where, "missing array '" + key + "' (expected x, y, edge_index, train_mask, val_mask, test_mask)");
    return it->second;
  };
  GraphData g;
  g.name = path.stem().string();
  g.x = take("x").to(at::kFloat);
  g.y = take("y").to(at::kLong);
  g.edge_index = take("edge_index").to(at::kLong);
  g.train_mask = take("train_mask").to(at::kBool);
  g.val_mask = take("val_mask").to(at::kBool);
  g.test_mask = take("test_mask").to(at::kBool);
  check_input(g.y.dim() == 1 && g.y.numel() > 0, where + ": y", "labels must be a non-empty 1-d array");
  g.num_classes = g.y.max().item<int64_t>() + 1;
  g.num_stored_splits = 1;
  g.split = "public";
  validate(g, where);
  return g;
}

}  // namespace moezoo::datasets::graph
