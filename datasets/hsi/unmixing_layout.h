#pragma once
/// The unmixing benchmarks store an image as a matrix with one column per pixel
/// (Y [B, P], A [E, P]), the pixels in MATLAB's column-major order: pixel (r, c) of an
/// nRow x nCol image is column c * nRow + r, as MATLAB's reshape(Y', nRow, nCol, B)
/// reads them back. A row-major reshape would give the transposed image -- invisible
/// on the square scenes (Samson 95x95, Jasper Ridge 100x100, Urban 307x307), so the
/// tests compare pixel values with scipy's reshape(..., order='F').

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace moezoo::datasets::hsi {

/// [B, rows * cols] (pixels column-major) -> [rows, cols, B], same dtype.
at::Tensor column_major_pixels_to_image(const at::Tensor& bands_by_pixels, int64_t rows, int64_t cols);

/// Labels of an abundance matrix [E, rows * cols] (pixels column-major): at each
/// pixel 1 + the endmember of largest abundance (ties: the first), or 0 when that
/// abundance is below `threshold` (0: every pixel labelled). -> [rows, cols] int64.
at::Tensor abundance_labels(const at::Tensor& abundances, int64_t rows, int64_t cols, double threshold = 0.0);

}  // namespace moezoo::datasets::hsi
