#pragma once
/// Endmember files of the unmixing benchmarks (_EndSamson.mat, _EndJasperRidge2_R198.mat,
/// _EndUrban_R162.mat, _EndCupriteS1_R188.mat): the pure spectra M [B, E] and, where
/// the scene's ground truth is known, the abundances A [E, P] of every pixel, with the
/// pixels in MATLAB's column-major image order (see unmixing_layout.h).

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace moezoo::datasets::hsi {

struct Endmembers {
  at::Tensor spectra;              ///< M: [B, E] float64
  at::Tensor abundances;           ///< A: [E, P] float64; undefined when the file has none (Cuprite)
  std::vector<std::string> names;  ///< E names, from the `cood` cell without its "1-" / "#1 " prefix
  int64_t rows = 0, cols = 0;      ///< nRow, nCol when the file has them, else 0
  at::Tensor wavelengths;          ///< [B] float64 (micrometres) when the file has them (Cuprite)

  int64_t num_bands() const { return spectra.size(0); }
  int64_t num_endmembers() const { return spectra.size(1); }
};

/// Reads M, A, cood, nRow, nCol, waveLength. When the file lists selected bands
/// (`slctBnds`, 1-based, as Cuprite does: M covers all 224 AVIRIS bands, the cube keeps
/// 188), M and the wavelengths are restricted to them. Errors name the file and variable:
/// a missing M, names that do not match M's columns, A whose rows do not match them.
Endmembers read_endmembers(const std::filesystem::path& path);

/// "1-rock" -> "rock", "#12 Chalcedony" -> "Chalcedony", "Tree" -> "Tree".
std::string strip_endmember_number(const std::string& name);

}  // namespace moezoo::datasets::hsi
