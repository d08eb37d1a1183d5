#include "core/io/npy.h"

#include <algorithm>
#include <cstdint>

#include "core/io/npy_header.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace moezoo::io {

namespace {

constexpr std::string_view kMagic("\x93NUMPY", 6);
constexpr std::size_t kAlign = 64;  // numpy's ARRAY_ALIGN

std::uint32_t read_le(std::string_view bytes, std::size_t offset, std::size_t width) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  }
  return value;
}

void append_le(std::string& out, std::uint32_t value, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

// Reverses each `unit`-byte word; complex numbers swap their two halves separately.
void byteswap(std::string& bytes, std::size_t unit) {
  if (unit <= 1) return;
  for (std::size_t i = 0; i + unit <= bytes.size(); i += unit) {
    std::reverse(bytes.begin() + static_cast<std::ptrdiff_t>(i), bytes.begin() + static_cast<std::ptrdiff_t>(i + unit));
  }
}

}  // namespace

NpyArray parse_npy(std::string_view bytes, const std::string& where) {
  check_input(bytes.size() >= kMagic.size() || kMagic.substr(0, bytes.size()) != bytes, where,
              "truncated: the file ends inside the .npy magic (" + std::to_string(bytes.size()) + " bytes)");
  check_input(bytes.substr(0, kMagic.size()) == kMagic, where,
              "not a .npy file (bad magic: expected the 6 bytes \\x93NUMPY at the start)");
  check_input(bytes.size() >= 8, where, "truncated: the file ends inside the .npy preamble");
  const int major = static_cast<unsigned char>(bytes[6]);
  const int minor = static_cast<unsigned char>(bytes[7]);
  check_input((major == 1 || major == 2 || major == 3) && minor == 0, where,
              "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                  " (expected 1.0, 2.0 or 3.0)");
  // Version 1.0 stores the header length in 2 bytes, 2.0 and 3.0 (UTF-8 header) in 4.
  const std::size_t width = major == 1 ? 2 : 4;
  const std::size_t prefix = 8 + width;
  check_input(bytes.size() >= prefix, where, "truncated: the file ends inside the .npy preamble");
  const std::size_t header_len = read_le(bytes, 8, width);
  check_input(bytes.size() - prefix >= header_len, where,
              "truncated: the .npy header is " + std::to_string(header_len) + " bytes but only " +
                  std::to_string(bytes.size() - prefix) + " follow the preamble");

  const NpyHeader header = parse_npy_header(bytes.substr(prefix, header_len), where);
  check_input(!header.structured, where,
              "structured (record) dtypes are not supported; save each field as its own array");
  const auto descr = parse_numpy_descr(header.descr);
  check_input(descr.has_value(), where,
              "unsupported dtype: " + unsupported_descr_reason(header.descr) +
                  "; moezoo reads numeric arrays only (bool, int8-64, uint8-64, float16/32/64, complex64/128)");

  NpyArray array;
  array.dtype = descr->dtype;
  array.shape = header.shape;
  array.fortran_order = header.fortran_order;
  const std::size_t expected = checked_nbytes(array.dtype, array.shape, where);
  const std::size_t found = bytes.size() - prefix - header_len;
  check_input(found >= expected, where,
              "truncated: header says " + std::to_string(expected) + " bytes of data, found " + std::to_string(found));
  check_input(found == expected, where,
              "corrupt: header says " + std::to_string(expected) + " bytes of data, found " + std::to_string(found) +
                  " (trailing bytes after the array)");
  array.bytes.assign(bytes.substr(prefix + header_len));
  if (descr->big_endian) {
    const bool complex = array.dtype == DType::Complex64 || array.dtype == DType::Complex128;
    byteswap(array.bytes, complex ? array.itemsize() / 2 : array.itemsize());
  }
  return array;
}

std::string serialize_npy(const NpyArray& array) {
  validate(array, "serialize_npy");
  const auto descr = numpy_descr(array.dtype);
  check_input(descr.has_value(), "serialize_npy",
              std::string("numpy has no ") + std::string(dtype_name(array.dtype)) +
                  " dtype; convert to float32 before writing .npy/.npz (or use safetensors)");
  NpyHeader header;
  header.descr = *descr;
  header.fortran_order = array.fortran_order;
  header.shape = array.shape;
  const std::string text = format_npy_header(header);

  // numpy's _wrap_header: pad with spaces and a final '\n' so that the data starts
  // at a multiple of 64 bytes; fall back to version 2.0 when 2 bytes cannot hold the length.
  int major = 1;
  std::size_t width = 2;
  std::size_t padded = 0;
  for (;;) {
    const std::size_t prefix = 8 + width;
    const std::size_t hlen = text.size() + 1;
    padded = hlen + (kAlign - (prefix + hlen) % kAlign);
    if (major == 1 && padded > 0xffff) {
      major = 2;
      width = 4;
      continue;
    }
    break;
  }
  std::string out;
  out.reserve(8 + width + padded + array.bytes.size());
  out.append(kMagic);
  out += static_cast<char>(major);
  out += '\0';
  append_le(out, static_cast<std::uint32_t>(padded), width);
  out += text;
  out.append(padded - text.size() - 1, ' ');
  out += '\n';
  out += array.bytes;
  return out;
}

NpyArray read_npy(const std::filesystem::path& path) {
  return parse_npy(read_file_bytes(path), path.string());
}

void write_npy(const std::filesystem::path& path, const NpyArray& array) {
  std::string bytes;
  try {
    bytes = serialize_npy(array);
  } catch (const Error& e) {
    throw Error(path.string() + ": cannot write: " + e.what());
  }
  write_file_atomically(path, bytes);
}

}  // namespace moezoo::io
