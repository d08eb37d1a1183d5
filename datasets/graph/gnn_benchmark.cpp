#include "datasets/graph/gnn_benchmark.h"

#include <ATen/ATen.h>

#include "core/io/npz.h"
#include "core/io/tensor_convert.h"
#include "core/util/error.h"

namespace moezoo::datasets::graph {

namespace {

struct Coo {
  at::Tensor rows, cols, values;  // [nnz] int64, int64, float32
  int64_t num_rows = 0, num_cols = 0;
};

/// The CSR matrix `<prefix>_{data,indices,indptr,shape}` of `path`, checked and expanded.
Coo read_csr(const std::filesystem::path& path, const std::string& prefix) {
  const std::string where = path.string() + ": " + prefix + "_";
  auto read = [&](const std::string& suffix) { return io::to_tensor(io::read_npz_member(path, prefix + "_" + suffix)); };
  const auto shape = read("shape");
  check_input(shape.dim() == 1 && shape.numel() == 2 && at::isIntegralType(shape.scalar_type(), false), where + "shape",
              "must hold two integers (rows, columns)");
  Coo coo;
  coo.num_rows = shape[0].item<int64_t>();
  coo.num_cols = shape[1].item<int64_t>();
  check_input(coo.num_rows > 0 && coo.num_cols > 0, where + "shape", "must be positive");
  const auto indptr = read("indptr").to(at::kLong);
  const auto indices = read("indices").to(at::kLong);
  coo.values = read("data").to(at::kFloat);
  check_input(indptr.dim() == 1 && indptr.size(0) == coo.num_rows + 1, where + "indptr",
              "must have rows + 1 = " + std::to_string(coo.num_rows + 1) + " entries");
  check_input(indices.dim() == 1 && coo.values.dim() == 1 && indices.size(0) == coo.values.size(0),
              where + "indices", "must be 1-d and as long as " + prefix + "_data");
  const auto counts = indptr.diff();
  check_input(indptr[0].item<int64_t>() == 0 && indptr[-1].item<int64_t>() == indices.size(0) &&
                  (counts.numel() == 0 || counts.min().item<int64_t>() >= 0),
              where + "indptr", "must rise from 0 to the number of stored entries");
  if (indices.numel() > 0)
    check_input(indices.min().item<int64_t>() >= 0 && indices.max().item<int64_t>() < coo.num_cols,
                where + "indices", "column outside [0, " + std::to_string(coo.num_cols) + ")");
  check_input(at::isfinite(coo.values).all().item<bool>(), where + "data", "contains NaN or Inf");
  coo.rows = at::repeat_interleave(counts);
  coo.cols = indices;
  return coo;
}

}  // namespace

GraphData load_gnn_benchmark_npz(const std::filesystem::path& path) {
  const std::string where = path.string();
  const auto adj = read_csr(path, "adj");
  const auto attr = read_csr(path, "attr");
  const int64_t n = adj.num_rows;
  check_input(adj.num_cols == n, where + ": adj_shape", "the adjacency must be square");
  check_input(attr.num_rows == n, where + ": attr_shape",
              "must have as many rows as the adjacency (" + std::to_string(n) + ")");

  GraphData g;
  g.name = path.stem().string();
  g.x = at::zeros({n, attr.num_cols}, at::kFloat);
  g.x.view(-1).index_add_(0, attr.rows * attr.num_cols + attr.cols, attr.values);
  g.edge_index = undirected_edge_index(at::stack({adj.rows, adj.cols}), n, where + ": adj_indices");
  g.y = io::to_tensor(io::read_npz_member(path, "labels")).to(at::kLong);
  check_input(g.y.dim() == 1 && g.y.size(0) == n, where + ": labels",
              "must be an array [N] with N = " + std::to_string(n) +
                  " (multi-label files, labels_data/..., are not supported)");
  check_input(g.y.min().item<int64_t>() >= 0, where + ": labels", "negative label (unlabelled nodes are not supported)");
  g.num_classes = g.y.max().item<int64_t>() + 1;
  g.num_stored_splits = 0;
  check_input(at::isfinite(g.x).all().item<bool>(), where, "features contain NaN or Inf");
  return g;
}

}  // namespace moezoo::datasets::graph
