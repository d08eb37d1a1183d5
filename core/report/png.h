#pragma once
/// PNG output for report plots: 8-bit RGB, no dependency beyond zlib.

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/report/image.h"

namespace moezoo::report {

/// Encodes `image` as a PNG file's bytes (8-bit RGB, non-interlaced, filter 0 on every
/// row: plots are flat colour, which deflate already compresses well). Throws
/// std::invalid_argument for an empty image, which PNG cannot represent.
std::string encode_png(const Image& image);

/// Writes `image` as PNG to `path` (creating its folder) through a temporary file and a
/// rename, so an interrupted run never leaves a truncated plot. Throws moezoo::Error
/// naming the file, or std::filesystem::filesystem_error (both std::runtime_error).
void write_png(const std::filesystem::path& path, const Image& image);

/// Decodes an 8-bit RGB, non-interlaced PNG such as encode_png() writes (all five row
/// filters are accepted). Meant for tests; throws std::runtime_error on anything else
/// (other colour types, bad CRC, truncated data).
Image decode_png_rgb8(const std::string& bytes);

/// CRC-32 (ISO-HDLC, the PNG/zlib polynomial) of `size` bytes, continuing from `crc`.
std::uint32_t png_crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc = 0);

}  // namespace moezoo::report
