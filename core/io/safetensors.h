#pragma once
/// The safetensors format (huggingface/safetensors), torch-free: how weights move
/// between moezoo and Python. Layout: an 8-byte little-endian header length N, N bytes
/// of JSON `{"__metadata__": {...}, "<name>": {"dtype", "shape", "data_offsets"}}`, then
/// the tensors back to back, C order, little-endian.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "core/io/npy_array.h"

namespace moezoo::io {

/// The contents of one .safetensors file.
struct SafetensorsFile {
  /// Tensors by name; arrays read from a file are always C order.
  std::map<std::string, NpyArray> tensors;
  /// The optional free-form "__metadata__" string map (e.g. {"format": "pt"}).
  std::map<std::string, std::string> metadata;
};

/// Parses a whole file image with the checks of the Rust reference reader: header
/// length within the file and at most 100 MB, UTF-8 JSON object, known dtypes, integer
/// shapes, every tensor's byte span equal to numel * itemsize, spans contiguous from 0
/// without gaps or overlaps, and the last one ending exactly at the end of the file.
/// Throws Error("<where>: ...") naming the offending tensor where there is one.
SafetensorsFile parse_safetensors(std::string_view bytes, const std::string& where);

/// Serializes exactly as the Rust `safetensors` crate (and so the Python package) does:
/// tensors laid out by descending dtype alignment, then by name; the JSON compact with
/// "__metadata__" first (omitted when empty) and tensors in layout order; the header
/// padded with spaces to a multiple of 8 bytes. Fortran-order arrays are transposed
/// to C order. Throws Error for complex128 (safetensors has no such dtype).
std::string serialize_safetensors(const SafetensorsFile& file);

/// Reads a .safetensors file; errors name the file.
SafetensorsFile read_safetensors(const std::filesystem::path& path);

/// Writes a .safetensors file atomically (temporary name, then rename).
void write_safetensors(const std::filesystem::path& path, const SafetensorsFile& file);

}  // namespace moezoo::io
