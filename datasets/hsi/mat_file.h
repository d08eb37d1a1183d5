#pragma once
/// Reading MATLAB .mat files through matio: v5 (plain or with zlib-compressed
/// elements) and v7.3 (HDF5), the formats the hyperspectral scenes come in.
///
/// Orientation: MATLAB stores arrays column-major and matio hands the data over
/// in that order. read_array returns a row-major tensor with MATLAB's own shape and
/// indexing, t[i][j][k] == X(i+1, j+1, k+1) -- which is what scipy.io.loadmat gives --
/// so a [H, W, B] cube in MATLAB is a [H, W, B] tensor here, pixel (r, c) the same.
///
/// Damaged files: matio reports a truncated or corrupt element through its log and
/// may still return a variable (zero-filled or partly read). Every read here collects
/// matio's messages and turns any error or warning into a moezoo::Error; for v5 files
/// the chain of top-level elements is also checked against the file size, because a
/// truncated uncompressed element reads without any message at all. Errors are one
/// line naming the file and the variable.
///
/// matio's log goes to a handler of this library (installed on first use): its
/// messages become parts of errors instead of lines on stderr.

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace moezoo::datasets::hsi {

/// The container format of a MAT file, as its header says.
enum class MatFormat {
  V4,   ///< MATLAB 4 (no header text; rarely seen)
  V5,   ///< MATLAB 5 to 7.2: tagged elements, optionally zlib-compressed (v7)
  V73,  ///< MATLAB 7.3: HDF5 with a 512-byte MATLAB user block
};

/// "v4", "v5", "v7.3".
const char* mat_format_name(MatFormat format);

/// One .mat file opened for reading. Not copyable; reads are independent of each other.
class MatFile {
 public:
  /// Opens `path`; a missing file, a file that is not a MAT file, or a v5 file whose
  /// elements cannot be walked is an Error naming the path.
  explicit MatFile(const std::filesystem::path& path);
  ~MatFile();
  MatFile(MatFile&&) noexcept;
  MatFile& operator=(MatFile&&) noexcept;
  MatFile(const MatFile&) = delete;
  MatFile& operator=(const MatFile&) = delete;

  const std::filesystem::path& path() const;
  MatFormat format() const;

  /// Names of the variables whose headers can be read: in file order for v5, in
  /// HDF5's order (by name) for v7.3.
  const std::vector<std::string>& variable_names() const;
  bool contains(const std::string& name) const;

  /// The first of `candidates` that the file holds (files of one scene name their
  /// variable differently: `houston` / `Houston`); an Error naming the file, the
  /// candidates and the variables it does hold when none is there.
  std::string first_present(const std::vector<std::string>& candidates) const;

  /// A numeric or logical array with MATLAB's shape (rank >= 2; a scalar is [1, 1]),
  /// row-major as described above. dtypes: double -> float64, single -> float32,
  /// int8/uint8/int16/int32/int64 -> the same, uint16 -> int32 and uint32 -> int64
  /// (widened: LibTorch has few kernels for unsigned types), uint64 -> int64 (an Error
  /// when a value does not fit), logical -> bool. Complex, sparse, cell, struct and
  /// char variables are Errors naming the variable and its class.
  at::Tensor read_array(const std::string& name) const;

  /// A numeric variable holding exactly one value (nRow, maxValue), as double.
  double read_scalar(const std::string& name) const;

  /// Text: a cell array of char rows (cell i -> string i, in MATLAB's linear order),
  /// or a char matrix (one string per row). Trailing blanks are dropped.
  std::vector<std::string> read_strings(const std::string& name) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace moezoo::datasets::hsi
