#include "datasets/hsi/unmixing_layout.h"

#include <ATen/ATen.h>

#include "core/util/error.h"

namespace moezoo::datasets::hsi {

at::Tensor column_major_pixels_to_image(const at::Tensor& bands_by_pixels, int64_t rows, int64_t cols) {
  check_input(bands_by_pixels.dim() == 2 && rows > 0 && cols > 0 && bands_by_pixels.size(1) == rows * cols,
              "unmixing layout", "expected [B, " + std::to_string(rows) + " * " + std::to_string(cols) + "] pixels");
  // Column p = c * rows + r: [B, cols, rows] row-major, then (r, c, band).
  return bands_by_pixels.reshape({bands_by_pixels.size(0), cols, rows}).permute({2, 1, 0}).contiguous();
}

at::Tensor abundance_labels(const at::Tensor& abundances, int64_t rows, int64_t cols, double threshold) {
  const auto image = column_major_pixels_to_image(abundances, rows, cols);  // [rows, cols, E]
  const auto [top, index] = image.max(2);  // max() returns the first index among equal values
  return (index + 1).masked_fill(top < threshold, 0).to(at::kLong);
}

}  // namespace moezoo::datasets::hsi
