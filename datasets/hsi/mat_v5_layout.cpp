#include "datasets/hsi/mat_v5_layout.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <vector>

#include "core/util/error.h"

namespace moezoo::datasets::hsi {

namespace {

constexpr uint64_t kHeaderBytes = 128;

uint32_t read_u32(const unsigned char* p, bool big_endian) {
  if (big_endian) return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
  return (uint32_t(p[3]) << 24) | (uint32_t(p[2]) << 16) | (uint32_t(p[1]) << 8) | uint32_t(p[0]);
}

}  // namespace

MatV5Layout read_mat_v5_layout(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  check_input(static_cast<bool>(in), path.string(), "cannot open for reading");
  MatV5Layout layout;
  in.seekg(0, std::ios::end);
  layout.file_size = static_cast<uint64_t>(in.tellg());
  check_input(layout.file_size >= kHeaderBytes, path.string(), "shorter than a MAT v5 header (128 bytes)");
  std::array<unsigned char, 2> endian{};
  in.seekg(126);
  in.read(reinterpret_cast<char*>(endian.data()), 2);
  // The writer stores the 16-bit value 'MI'; read back as "IM" it came from a little-endian machine.
  layout.big_endian = endian[0] == 'M' && endian[1] == 'I';

  uint64_t offset = kHeaderBytes;
  while (offset < layout.file_size) {
    const std::string at = "element " + std::to_string(layout.elements.size()) + " at byte " + std::to_string(offset);
    if (offset + 8 > layout.file_size) {
      layout.damage = at + ": the file ends inside its tag (file size " + std::to_string(layout.file_size) + ")";
      layout.elements.push_back({offset, 0, 0, false});
      break;
    }
    std::array<unsigned char, 8> tag{};
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(reinterpret_cast<char*>(tag.data()), 8);
    check_input(static_cast<bool>(in), path.string(), "read failed at byte " + std::to_string(offset));
    MatV5Element element;
    element.offset = offset;
    element.type = read_u32(tag.data(), layout.big_endian);
    element.bytes = read_u32(tag.data() + 4, layout.big_endian);
    if (element.type != kMatV5Matrix && element.type != kMatV5Compressed) {
      layout.damage =
          at + ": tag type " + std::to_string(element.type) + " is neither miMATRIX (14) nor miCOMPRESSED (15)";
      layout.elements.push_back(element);
      break;
    }
    uint64_t end = offset + 8 + element.bytes;
    if (element.type == kMatV5Matrix) end = (end + 7) / 8 * 8;  // uncompressed elements are padded to 8 bytes
    // The last element's padding may be missing; its payload may not.
    element.complete = offset + 8 + element.bytes <= layout.file_size;
    layout.elements.push_back(element);
    if (!element.complete) {
      layout.damage = at + " declares " + std::to_string(element.bytes) + " bytes but the file ends at byte " +
                      std::to_string(layout.file_size) + " (truncated)";
      break;
    }
    offset = end;
  }
  return layout;
}

std::string check_compressed_element(const std::filesystem::path& path, const MatV5Element& element) {
  if (element.type != kMatV5Compressed || !element.complete) return "";
  std::ifstream in(path, std::ios::binary);
  check_input(static_cast<bool>(in), path.string(), "cannot open for reading");
  in.seekg(static_cast<std::streamoff>(element.offset + 8));
  z_stream z{};
  check_input(inflateInit(&z) == Z_OK, path.string(), "zlib cannot start");
  std::vector<unsigned char> input(1 << 20), output(1 << 16);
  uint64_t left = element.bytes;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (z.avail_in == 0) {
      if (left == 0) break;
      const auto n = static_cast<size_t>(std::min<uint64_t>(left, input.size()));
      in.read(reinterpret_cast<char*>(input.data()), static_cast<std::streamsize>(n));
      if (!in) break;
      left -= n;
      z.next_in = input.data();
      z.avail_in = static_cast<uInt>(n);
    }
    z.next_out = output.data();
    z.avail_out = static_cast<uInt>(output.size());
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
  }
  const std::string zlib_message = z.msg ? z.msg : "";
  inflateEnd(&z);
  if (rc == Z_STREAM_END) return "";
  if (rc == Z_OK) return "compressed data ends before its zlib stream does";
  return "compressed data is corrupt (zlib: " + (zlib_message.empty() ? "error " + std::to_string(rc) : zlib_message) +
         ")";
}

}  // namespace moezoo::datasets::hsi
