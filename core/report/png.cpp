#include "core/report/png.h"

#include <zlib.h>

#include <array>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "core/util/atomic_file.h"

namespace moezoo::report {
namespace {

constexpr char kSignature[8] = {'\x89', 'P', 'N', 'G', '\r', '\n', '\x1a', '\n'};

const std::array<std::uint32_t, 256>& crc_table() {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  return table;
}

void put_u32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

std::uint32_t get_u32(const std::string& in, std::size_t pos) {
  auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<std::uint8_t>(in[pos + i])); };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

void put_chunk(std::string& out, const char type[4], const std::string& data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = out.size();
  out.append(type, 4);
  out += data;
  // The CRC covers the chunk type and data but not the length.
  const auto* p = reinterpret_cast<const std::uint8_t*>(out.data() + start);
  put_u32(out, png_crc32(p, out.size() - start));
}

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("decode_png_rgb8: " + what); }

int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

}  // namespace

std::uint32_t png_crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc) {
  const auto& table = crc_table();
  crc = ~crc;
  for (std::size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xFFU] ^ (crc >> 8);
  return ~crc;
}

std::string encode_png(const Image& image) {
  if (image.empty()) throw std::invalid_argument("encode_png: a PNG needs at least 1x1 pixels");
  const std::size_t stride = static_cast<std::size_t>(image.width()) * 3;
  std::string raw;
  raw.reserve((stride + 1) * image.height());
  const auto& px = image.bytes();
  for (int y = 0; y < image.height(); ++y) {
    raw.push_back('\0');  // filter type 0 (None)
    raw.append(reinterpret_cast<const char*>(px.data() + y * stride), stride);
  }
  uLongf compressed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string compressed(compressed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(compressed.data()), &compressed_size,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                Z_BEST_COMPRESSION) != Z_OK) {
    throw std::runtime_error("encode_png: zlib compression failed");
  }
  compressed.resize(compressed_size);

  std::string ihdr;
  put_u32(ihdr, static_cast<std::uint32_t>(image.width()));
  put_u32(ihdr, static_cast<std::uint32_t>(image.height()));
  ihdr += std::string{'\x08', '\x02', '\0', '\0', '\0'};  // depth 8, RGB, deflate, filter 0, no interlace

  std::string out(kSignature, sizeof(kSignature));
  put_chunk(out, "IHDR", ihdr);
  put_chunk(out, "IDAT", compressed);
  put_chunk(out, "IEND", "");
  return out;
}

void write_png(const std::filesystem::path& path, const Image& image) {
  write_file_atomically(path, encode_png(image));
}

Image decode_png_rgb8(const std::string& bytes) {
  if (bytes.size() < 8 || bytes.compare(0, 8, std::string(kSignature, 8)) != 0) fail("not a PNG signature");
  std::size_t pos = 8;
  int width = 0, height = 0;
  std::string idat;
  bool ended = false;
  while (!ended) {
    if (pos + 12 > bytes.size()) fail("truncated chunk at byte " + std::to_string(pos));
    const std::uint32_t length = get_u32(bytes, pos);
    if (length > bytes.size() - pos - 12) fail("chunk length past end of data");
    const std::string type = bytes.substr(pos + 4, 4);
    const auto* typed = reinterpret_cast<const std::uint8_t*>(bytes.data() + pos + 4);
    if (png_crc32(typed, length + 4) != get_u32(bytes, pos + 8 + length)) fail("CRC mismatch in " + type);
    const std::string data = bytes.substr(pos + 8, length);
    if (pos == 8 && type != "IHDR") fail("first chunk is not IHDR");
    if (type == "IHDR") {
      if (length != 13) fail("IHDR has length " + std::to_string(length));
      width = static_cast<int>(get_u32(data, 0));
      height = static_cast<int>(get_u32(data, 4));
      if (width <= 0 || height <= 0 || static_cast<long long>(width) * height > (1LL << 28)) fail("bad size");
      if (data[8] != 8 || data[9] != 2) fail("only 8-bit RGB (colour type 2) is supported");
      if (data[10] != 0 || data[11] != 0 || data[12] != 0) fail("unsupported compression/filter/interlace");
    } else if (type == "IDAT") {
      idat += data;
    } else if (type == "IEND") {
      ended = true;
    }
    pos += 12 + length;
  }
  if (width == 0) fail("no IHDR");

  const std::size_t stride = static_cast<std::size_t>(width) * 3;
  std::vector<std::uint8_t> raw((stride + 1) * height);
  uLongf raw_size = static_cast<uLongf>(raw.size());
  if (uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()),
                 static_cast<uLong>(idat.size())) != Z_OK ||
      raw_size != raw.size()) {
    fail("image data does not inflate to " + std::to_string(raw.size()) + " bytes");
  }

  // Undo the row filters in place; `prev` is the already-unfiltered row above.
  std::vector<std::uint8_t> zero_row(stride, 0);
  Image image(width, height);
  for (int y = 0; y < height; ++y) {
    std::uint8_t* row = raw.data() + y * (stride + 1);
    const std::uint8_t filter = row[0];
    std::uint8_t* cur = row + 1;
    const std::uint8_t* prev = y == 0 ? zero_row.data() : raw.data() + (y - 1) * (stride + 1) + 1;
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= 3 ? cur[i - 3] : 0, b = prev[i], c = i >= 3 ? prev[i - 3] : 0;
      int pred = 0;
      switch (filter) {
        case 0: pred = 0; break;
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) / 2; break;
        case 4: pred = paeth(a, b, c); break;
        default: fail("unknown row filter " + std::to_string(filter));
      }
      cur[i] = static_cast<std::uint8_t>(cur[i] + pred);
    }
    for (int x = 0; x < width; ++x) image.set(x, y, {cur[x * 3], cur[x * 3 + 1], cur[x * 3 + 2]});
  }
  return image;
}

}  // namespace moezoo::report
