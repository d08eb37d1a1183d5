#pragma once
/// A torch-free n-d array in memory: the common currency of the .npy, .npz and
/// .safetensors readers and writers, so that those formats (and their tests) need
/// no LibTorch and a dataset reader converts to a tensor only once.

#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/util/error.h"

namespace moezoo::io {

/// Element types: every numeric numpy dtype, plus bfloat16 (safetensors only; numpy
/// has none). Data is always held little-endian, which is the native order of every
/// platform moezoo builds on (checked at compile time in npy_array.cpp).
enum class DType {
  Bool,
  Int8,
  Int16,
  Int32,
  Int64,
  UInt8,
  UInt16,
  UInt32,
  UInt64,
  Float16,
  BFloat16,
  Float32,
  Float64,
  Complex64,
  Complex128,
};

/// Every DType, in declaration order (for tests and tables).
const std::vector<DType>& all_dtypes();

/// Bytes per element (complex64 is 8: two float32).
std::size_t dtype_size(DType dtype);

/// Lower-case name as numpy and torch print it: "float32", "uint16", "bool", "bfloat16".
std::string_view dtype_name(DType dtype);

/// The numpy descr written into .npy headers: "<f4", "|b1", "|u1", "<c16". Empty for
/// bfloat16, which numpy cannot represent.
std::optional<std::string> numpy_descr(DType dtype);

/// A parsed numpy descr: element type and whether the file stores it big-endian.
struct NumpyDescr {
  DType dtype;
  bool big_endian = false;
};

/// Parses a numpy descr string ("<f4", ">i8", "|b1", "?", "f8", "=u2"). Returns nullopt
/// for anything that is not a plain numeric type (strings, objects, datetimes, long
/// double); unsupported_descr_reason() says why in words.
std::optional<NumpyDescr> parse_numpy_descr(std::string_view descr);

/// Human explanation of why `descr` is not supported, e.g. "'<U7' is a unicode string
/// dtype", for error messages.
std::string unsupported_descr_reason(std::string_view descr);

/// The safetensors dtype name: "F32", "BF16", "I64", "BOOL", "C64". Empty for
/// complex128, which safetensors cannot represent.
std::optional<std::string_view> safetensors_dtype_name(DType dtype);

/// Parses a safetensors dtype name; nullopt for names moezoo does not support
/// (the 8-, 6- and 4-bit float formats).
std::optional<DType> dtype_from_safetensors(std::string_view name);

/// Maps a C++ element type to its DType (bool, fixed-width ints, float, double,
/// std::complex<float|double>); used by NpyArray::from_values and NpyArray::values.
template <typename T>
constexpr DType dtype_of();

/// Element count of `shape` (1 for a 0-d array) times `dtype_size`, as a byte count.
/// Throws Error("<where>: ...") for a negative dimension or a size that overflows,
/// which in a file header means corruption rather than a real array.
std::size_t checked_nbytes(DType dtype, const std::vector<std::int64_t>& shape, const std::string& where);

/// An n-d array with its bytes in memory, exactly as numpy describes one.
struct NpyArray {
  DType dtype = DType::Float32;
  /// Dimensions; empty for a 0-d (scalar) array.
  std::vector<std::int64_t> shape;
  /// True when `bytes` holds the elements in column-major (Fortran) order, as numpy
  /// writes a transposed or Fortran-contiguous array; the logical indexing is the same.
  bool fortran_order = false;
  /// numel() * itemsize() bytes, little-endian.
  std::string bytes;

  /// Number of elements: the product of `shape`, 1 for a 0-d array.
  std::int64_t numel() const;
  /// Bytes per element.
  std::size_t itemsize() const { return dtype_size(dtype); }
  /// numel() * itemsize(): what `bytes.size()` must be.
  std::size_t nbytes() const { return static_cast<std::size_t>(numel()) * itemsize(); }
  /// Number of dimensions.
  std::size_t ndim() const { return shape.size(); }

  /// A C-order array of `shape` holding `values` (whose size must equal the element count).
  template <typename T>
  static NpyArray from_values(std::vector<std::int64_t> shape, const std::vector<T>& values);

  /// The elements in storage order; throws Error when T does not match `dtype`.
  template <typename T>
  std::vector<T> values() const;
};

/// Throws Error("<where>: ...") unless `array` is self-consistent: non-negative shape and
/// `bytes.size() == nbytes()`. Writers call it so that a bad array never reaches a file.
void validate(const NpyArray& array, const std::string& where);

/// The same array with its bytes in C (row-major) order; a copy when already C order.
NpyArray to_c_order(const NpyArray& array);

/// Field-by-field equality (dtype, shape, order and bytes); two arrays holding the
/// same logical values in different orders compare unequal.
bool operator==(const NpyArray& a, const NpyArray& b);
/// Negation of operator==.
inline bool operator!=(const NpyArray& a, const NpyArray& b) { return !(a == b); }

/// "float32[2708, 1433]" for messages and test output.
std::string describe(const NpyArray& array);

// ---- templates -------------------------------------------------------------------------

template <typename T>
constexpr DType dtype_of() {
  if constexpr (std::is_same_v<T, bool>) return DType::Bool;
  else if constexpr (std::is_same_v<T, std::int8_t>) return DType::Int8;
  else if constexpr (std::is_same_v<T, std::int16_t>) return DType::Int16;
  else if constexpr (std::is_same_v<T, std::int32_t>) return DType::Int32;
  else if constexpr (std::is_same_v<T, std::int64_t>) return DType::Int64;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return DType::UInt8;
  else if constexpr (std::is_same_v<T, std::uint16_t>) return DType::UInt16;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return DType::UInt32;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return DType::UInt64;
  else if constexpr (std::is_same_v<T, float>) return DType::Float32;
  else if constexpr (std::is_same_v<T, double>) return DType::Float64;
  else if constexpr (std::is_same_v<T, std::complex<float>>) return DType::Complex64;
  else if constexpr (std::is_same_v<T, std::complex<double>>) return DType::Complex128;
  else static_assert(sizeof(T) == 0, "no DType for this C++ type (float16/bfloat16 have none: use raw bytes)");
}

template <typename T>
NpyArray NpyArray::from_values(std::vector<std::int64_t> shape, const std::vector<T>& values) {
  NpyArray array;
  array.dtype = dtype_of<T>();
  array.shape = std::move(shape);
  check_input(static_cast<std::size_t>(array.numel()) == values.size(), "NpyArray::from_values",
              "shape holds " + std::to_string(array.numel()) + " elements but " +
                  std::to_string(values.size()) + " values were given");
  array.bytes.resize(values.size() * sizeof(T));
  if constexpr (std::is_same_v<T, bool>) {
    // std::vector<bool> is a bitset: copy element by element.
    for (std::size_t i = 0; i < values.size(); ++i) array.bytes[i] = values[i] ? 1 : 0;
  } else if (!values.empty()) {
    std::memcpy(array.bytes.data(), values.data(), array.bytes.size());
  }
  return array;
}

template <typename T>
std::vector<T> NpyArray::values() const {
  check_input(dtype == dtype_of<T>(), describe(*this),
              "values<" + std::string(dtype_name(dtype_of<T>())) + ">() called on a " +
                  std::string(dtype_name(dtype)) + " array");
  check_input(bytes.size() % sizeof(T) == 0, describe(*this), "byte count is not a multiple of the item size");
  std::vector<T> out(bytes.size() / sizeof(T));
  if constexpr (std::is_same_v<T, bool>) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = bytes[i] != 0;
  } else if (!out.empty()) {
    std::memcpy(out.data(), bytes.data(), bytes.size());
  }
  return out;
}

}  // namespace moezoo::io
