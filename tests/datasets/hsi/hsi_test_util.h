#pragma once
/// Helpers shared by the hyperspectral tests.

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "tests/support/error_matchers.h"
#include "tests/support/test_data.h"

namespace moezoo::testing {

/// sum over pixels of (r * W + c) * map[r][c]: a fingerprint of a [H, W] label map that
/// changes when the map is transposed or shifted; the tests compare it with the same
/// sum computed by numpy on scipy.io.loadmat's array.
inline int64_t map_fingerprint(const torch::Tensor& map) {
  const auto flat = map.reshape({-1}).to(torch::kLong);
  return (torch::arange(flat.numel(), torch::kLong) * flat).sum().item<int64_t>();
}

/// The counts of each label value 0..C of a map as a std::vector, for EXPECT_EQ with literals.
inline std::vector<int64_t> label_counts(const torch::Tensor& map, int64_t num_classes) {
  const auto counts = torch::bincount(map.reshape({-1}), {}, num_classes + 1);
  return std::vector<int64_t>(counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + counts.numel());
}

}  // namespace moezoo::testing
