#pragma once
/// Checks shared by the graph dataset tests.

#include <gtest/gtest.h>

#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <string>

#include "tests/support/error_matchers.h"  // throws_error_with, for the graph tests

namespace moezoo::testing {

/// sum over directed edges of (source * N + target): a fingerprint of the edge set
/// that tests compare with the same sum computed by numpy on the files.
inline int64_t edge_checksum(const torch::Tensor& edge_index, int64_t n) {
  return (edge_index[0] * n + edge_index[1]).sum().item<int64_t>();
}

/// The GraphData.edge_index contract: [2, E] int64, no self loops, no repeats, and
/// (u, v) present exactly when (v, u) is.
inline ::testing::AssertionResult undirected_simple(const torch::Tensor& edge_index, int64_t n) {
  if (edge_index.dim() != 2 || edge_index.size(0) != 2 || edge_index.scalar_type() != torch::kLong)
    return ::testing::AssertionFailure() << "edge_index is not int64 [2, E]";
  if (edge_index[0].eq(edge_index[1]).any().item<bool>()) return ::testing::AssertionFailure() << "self loop";
  auto keys = std::get<0>(torch::sort(edge_index[0] * n + edge_index[1]));
  if (keys.size(0) > 1 && keys.diff().eq(0).any().item<bool>()) return ::testing::AssertionFailure() << "repeated edge";
  auto flipped = std::get<0>(torch::sort(edge_index[1] * n + edge_index[0]));
  if (!torch::equal(keys, flipped)) return ::testing::AssertionFailure() << "not symmetric";
  return ::testing::AssertionSuccess();
}

/// (count, sum of indices, sum of squared indices) of a bool mask: a fingerprint that
/// tests compare with the same numbers computed in Python.
inline std::array<int64_t, 3> mask_fingerprint(const torch::Tensor& mask) {
  auto i = mask.nonzero().view(-1);
  return {mask.sum().item<int64_t>(), i.sum().item<int64_t>(), (i * i).sum().item<int64_t>()};
}

}  // namespace moezoo::testing
