#include "core/io/npy_array.h"

#include <array>
#include <limits>
#include <sstream>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "moezoo::io keeps array bytes little-endian and copies them straight into tensors: big-endian hosts are not supported"
#endif

namespace moezoo::io {

namespace {

struct DTypeInfo {
  DType dtype;
  std::size_t size;
  const char* name;
  const char* numpy;        // descr; "" when numpy has no such type
  const char* safetensors;  // dtype name; "" when safetensors has no such type
};

// Indexed by the enum's value; the order must match the enum declaration.
constexpr std::array<DTypeInfo, 15> kInfo = {{
    {DType::Bool, 1, "bool", "|b1", "BOOL"},
    {DType::Int8, 1, "int8", "|i1", "I8"},
    {DType::Int16, 2, "int16", "<i2", "I16"},
    {DType::Int32, 4, "int32", "<i4", "I32"},
    {DType::Int64, 8, "int64", "<i8", "I64"},
    {DType::UInt8, 1, "uint8", "|u1", "U8"},
    {DType::UInt16, 2, "uint16", "<u2", "U16"},
    {DType::UInt32, 4, "uint32", "<u4", "U32"},
    {DType::UInt64, 8, "uint64", "<u8", "U64"},
    {DType::Float16, 2, "float16", "<f2", "F16"},
    {DType::BFloat16, 2, "bfloat16", "", "BF16"},
    {DType::Float32, 4, "float32", "<f4", "F32"},
    {DType::Float64, 8, "float64", "<f8", "F64"},
    {DType::Complex64, 8, "complex64", "<c8", "C64"},
    {DType::Complex128, 16, "complex128", "<c16", ""},
}};

const DTypeInfo& info(DType dtype) {
  const auto index = static_cast<std::size_t>(dtype);
  if (index >= kInfo.size()) throw Error("DType: invalid enum value " + std::to_string(index));
  return kInfo[index];
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

const std::vector<DType>& all_dtypes() {
  static const std::vector<DType> dtypes = [] {
    std::vector<DType> out;
    for (const auto& entry : kInfo) out.push_back(entry.dtype);
    return out;
  }();
  return dtypes;
}

std::size_t dtype_size(DType dtype) { return info(dtype).size; }

std::string_view dtype_name(DType dtype) { return info(dtype).name; }

std::optional<std::string> numpy_descr(DType dtype) {
  const std::string descr = info(dtype).numpy;
  if (descr.empty()) return std::nullopt;
  return descr;
}

std::optional<NumpyDescr> parse_numpy_descr(std::string_view descr) {
  char order = '=';
  if (!descr.empty() && (descr[0] == '<' || descr[0] == '>' || descr[0] == '|' || descr[0] == '=')) {
    order = descr[0];
    descr.remove_prefix(1);
  }
  if (descr == "?") return NumpyDescr{DType::Bool, false};
  if (descr.size() < 2 || !all_digits(descr.substr(1))) return std::nullopt;
  const char kind = descr[0];
  const std::string_view size = descr.substr(1);
  for (const auto& entry : kInfo) {
    const std::string_view known = entry.numpy;
    // Compare kind and size, ignoring the byte-order character of our own table.
    if (!known.empty() && known[1] == kind && known.substr(2) == size) {
      return NumpyDescr{entry.dtype, order == '>' && entry.size > 1};
    }
  }
  return std::nullopt;
}

std::string unsupported_descr_reason(std::string_view descr) {
  std::string_view body = descr;
  if (!body.empty() && (body[0] == '<' || body[0] == '>' || body[0] == '|' || body[0] == '=')) body.remove_prefix(1);
  std::string quoted = "'";
  quoted.append(descr.data(), descr.size());
  quoted += '\'';
  const char kind = body.empty() ? '\0' : body[0];
  switch (kind) {
    case 'U': return quoted + " is a unicode string dtype";
    case 'S':
    case 'a': return quoted + " is a byte string dtype";
    case 'O': return quoted + " is a Python object dtype (pickled data)";
    case 'V': return quoted + " is a raw void/structured dtype";
    case 'M': return quoted + " is a datetime64 dtype";
    case 'm': return quoted + " is a timedelta64 dtype";
    case 'f':
    case 'c':
      if (body.size() > 1 && all_digits(body.substr(1))) return quoted + " is an extended-precision (long double) dtype";
      break;
    default: break;
  }
  return quoted + " is not a numpy numeric dtype";
}

std::optional<std::string_view> safetensors_dtype_name(DType dtype) {
  const std::string_view name = info(dtype).safetensors;
  if (name.empty()) return std::nullopt;
  return name;
}

std::optional<DType> dtype_from_safetensors(std::string_view name) {
  for (const auto& entry : kInfo) {
    if (name == entry.safetensors && !name.empty()) return entry.dtype;
  }
  return std::nullopt;
}

std::size_t checked_nbytes(DType dtype, const std::vector<std::int64_t>& shape, const std::string& where) {
  // The bound keeps every later int64/size_t product and torch's own arithmetic safe.
  constexpr std::uint64_t kLimit = std::uint64_t{1} << 62;
  std::uint64_t count = 1;
  bool zero = false;
  for (std::int64_t dim : shape) {
    check_input(dim >= 0, where, "negative dimension " + std::to_string(dim) + " in shape");
    if (dim == 0) zero = true;
  }
  if (zero) return 0;
  for (std::int64_t dim : shape) {
    const auto d = static_cast<std::uint64_t>(dim);
    check_input(count <= kLimit / d, where, "shape is too large (element count overflows)");
    count *= d;
  }
  const std::uint64_t size = dtype_size(dtype);
  check_input(count <= kLimit / size, where, "shape is too large (byte count overflows)");
  const std::uint64_t bytes = count * size;
  check_input(bytes <= std::numeric_limits<std::size_t>::max(), where, "array does not fit in memory");
  return static_cast<std::size_t>(bytes);
}

std::int64_t NpyArray::numel() const {
  std::int64_t count = 1;
  for (std::int64_t dim : shape) count *= dim;
  return count;
}

void validate(const NpyArray& array, const std::string& where) {
  const std::size_t expected = checked_nbytes(array.dtype, array.shape, where);
  check_input(array.bytes.size() == expected, where,
              describe(array) + " needs " + std::to_string(expected) + " bytes but holds " +
                  std::to_string(array.bytes.size()));
}

NpyArray to_c_order(const NpyArray& array) {
  validate(array, "to_c_order");
  NpyArray out = array;
  out.fortran_order = false;
  const std::size_t ndim = array.shape.size();
  if (!array.fortran_order || ndim < 2 || array.bytes.empty()) return out;

  // Odometer over the C-order output index; the Fortran source offset moves by the
  // Fortran stride of each dimension (the first dimension is the fastest there).
  const std::size_t item = array.itemsize();
  std::vector<std::size_t> f_stride(ndim);
  std::size_t stride = item;
  for (std::size_t k = 0; k < ndim; ++k) {
    f_stride[k] = stride;
    stride *= static_cast<std::size_t>(array.shape[k]);
  }
  std::vector<std::int64_t> index(ndim, 0);
  std::size_t src = 0;
  const std::size_t count = static_cast<std::size_t>(array.numel());
  char* dst = out.bytes.data();
  for (std::size_t n = 0; n < count; ++n) {
    std::memcpy(dst + n * item, array.bytes.data() + src, item);
    for (std::size_t k = ndim; k-- > 0;) {
      if (++index[k] < array.shape[k]) {
        src += f_stride[k];
        break;
      }
      src -= f_stride[k] * static_cast<std::size_t>(array.shape[k] - 1);
      index[k] = 0;
    }
  }
  return out;
}

bool operator==(const NpyArray& a, const NpyArray& b) {
  return a.dtype == b.dtype && a.shape == b.shape && a.fortran_order == b.fortran_order && a.bytes == b.bytes;
}

std::string describe(const NpyArray& array) {
  std::ostringstream out;
  out << dtype_name(array.dtype) << "[";
  for (std::size_t i = 0; i < array.shape.size(); ++i) out << (i ? ", " : "") << array.shape[i];
  out << "]";
  if (array.fortran_order) out << " (Fortran order)";
  return out.str();
}

}  // namespace moezoo::io
