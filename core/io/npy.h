#pragma once
/// The numpy .npy format (versions 1.0, 2.0 and 3.0): how numpy stores one array,
/// and the member format inside every .npz archive.

#include <filesystem>
#include <string>
#include <string_view>

#include "core/io/npy_array.h"

namespace moezoo::io {

/// Parses a whole .npy file image. Big-endian data is byteswapped to native; the
/// Fortran flag is kept. Throws Error("<where>: ...") for a bad magic, an unsupported
/// version or dtype (strings, objects, structured), a malformed header, truncated data
/// or trailing bytes. `where` names the file (or archive member) in messages.
NpyArray parse_npy(std::string_view bytes, const std::string& where);

/// Serializes `array` the way numpy.save does: version 1.0 (2.0 when the header needs
/// it), the header padded with spaces to a multiple of 64 bytes and ended by '\n'.
/// For a little-endian array this is byte-identical to numpy's output. Throws Error
/// for bfloat16 (numpy has no such dtype) or an inconsistent array.
std::string serialize_npy(const NpyArray& array);

/// Reads a .npy file; errors name the file.
NpyArray read_npy(const std::filesystem::path& path);

/// Writes a .npy file atomically (temporary name, then rename).
void write_npy(const std::filesystem::path& path, const NpyArray& array);

}  // namespace moezoo::io
