#pragma once
/// Writing numeric arrays to a MATLAB .mat file through matio: classification maps
/// and predictions in the form the hyperspectral tools read, and small fixtures in
/// tests. The inverse of MatFile::read_array: a row-major tensor [d0, d1, ...] becomes
/// the MATLAB array X of the same shape with X(i+1, j+1, ...) == t[i][j]...

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "datasets/hsi/mat_file.h"

namespace moezoo::datasets::hsi {

struct MatWriteOptions {
  MatFormat format = MatFormat::V5;  ///< V5 or V73 (v4 is not written)
  bool compress = true;              ///< zlib elements (v5) or deflate datasets (v7.3)
};

/// Writes `arrays` (name, tensor) in order, atomically (a temporary beside `path`,
/// then a rename). dtypes: float64, float32, int8, uint8, int16, int32, int64 and bool
/// (MATLAB logical). A 0-d tensor becomes [1, 1] and a 1-d tensor of n a row [1, n],
/// as scipy.io.savemat writes them. Errors name the file and the variable.
void save_mat(const std::filesystem::path& path, const std::vector<std::pair<std::string, at::Tensor>>& arrays,
              const MatWriteOptions& options = {});

}  // namespace moezoo::datasets::hsi
