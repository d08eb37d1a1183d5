#pragma once
/// Ground-truth label maps read from .mat files. The public files store them as
/// double or uint8 matrices [H, W] in MATLAB's orientation; MatFile keeps that, so
/// map[r][c] is gt(r+1, c+1) as scipy.io.loadmat shows it.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/hsi/mat_file.h"

namespace moezoo::datasets::hsi {

/// `variable` of `file` as [H, W] int64. A map that is not 2-d, holds a negative,
/// fractional or non-finite value, or a label above `max_label` (when >= 0) is an
/// Error naming the file and the variable.
at::Tensor read_label_map(const MatFile& file, const std::string& variable, int64_t max_label = -1);

/// map -> table[map]: relabels a map whose class order differs from the scene's
/// (table[0] must be 0). Labels outside the table are an Error naming `where`.
at::Tensor remap_labels(const at::Tensor& map, const std::vector<int64_t>& table, const std::string& where);

}  // namespace moezoo::datasets::hsi
