#include "core/report/png.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

namespace moezoo::report {
namespace {

std::uint32_t be32(const std::string& s, std::size_t pos) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(s[pos + i]);
  return v;
}

Image random_image(int w, int h, unsigned seed) {
  std::mt19937 rng(seed);
  Image image(w, h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      image.set(x, y, {static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng()),
                       static_cast<std::uint8_t>(rng())});
    }
  }
  return image;
}

// A PNG whose raw (filtered, uncompressed) scanlines are given, to exercise the decoder's
// filters, which encode_png never emits.
std::string png_from_raw(int w, int h, const std::string& raw) {
  auto chunk = [](const std::string& type, const std::string& data) {
    std::string out;
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>(data.size() >> s));
    const std::string body = type + data;
    out += body;
    const std::uint32_t crc = ::crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>(crc >> s));
    return out;
  };
  std::string ihdr;
  for (int v : {w, h}) {
    for (int s = 24; s >= 0; s -= 8) ihdr.push_back(static_cast<char>(v >> s));
  }
  ihdr += std::string{'\x08', '\x02', '\0', '\0', '\0'};
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string z(size, '\0');
  compress(reinterpret_cast<Bytef*>(z.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
           static_cast<uLong>(raw.size()));
  z.resize(size);
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", z) + chunk("IEND", "");
}

TEST(Png, RoundTripReproducesEveryPixel) {
  for (auto [w, h] : {std::pair{1, 1}, std::pair{7, 3}, std::pair{300, 201}}) {
    const Image image = random_image(w, h, static_cast<unsigned>(w * 1000 + h));
    const Image back = decode_png_rgb8(encode_png(image));
    ASSERT_EQ(back.width(), w);
    ASSERT_EQ(back.height(), h);
    EXPECT_EQ(back.bytes(), image.bytes()) << w << "x" << h;
  }
}

TEST(Png, SignatureHeaderAndChunkCrcsMatchZlib) {
  const std::string png = encode_png(random_image(13, 5, 1));
  ASSERT_GE(png.size(), 8u + 25u + 12u + 12u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(be32(png, 8), 13u);  // IHDR length
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(be32(png, 16), 13u);  // width
  EXPECT_EQ(be32(png, 20), 5u);   // height
  EXPECT_EQ(png[24], 8);          // bit depth
  EXPECT_EQ(png[25], 2);          // colour type RGB
  // Walk every chunk and check its CRC against zlib's independent implementation.
  std::size_t pos = 8;
  std::vector<std::string> types;
  while (pos < png.size()) {
    const std::uint32_t len = be32(png, pos);
    const auto* typed = reinterpret_cast<const Bytef*>(png.data() + pos + 4);
    EXPECT_EQ(be32(png, pos + 8 + len), ::crc32(0, typed, len + 4)) << "chunk " << png.substr(pos + 4, 4);
    types.push_back(png.substr(pos + 4, 4));
    pos += 12 + len;
  }
  EXPECT_EQ(pos, png.size());
  EXPECT_EQ(types, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
}

TEST(Png, IdatRowsUseFilterZero) {
  const Image image = random_image(4, 3, 2);
  const std::string png = encode_png(image);
  const std::uint32_t len = be32(png, 33);
  ASSERT_EQ(png.substr(37, 4), "IDAT");
  std::string raw(3 * (1 + 4 * 3), '\0');
  uLongf raw_size = static_cast<uLongf>(raw.size());
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_size,
                       reinterpret_cast<const Bytef*>(png.data() + 41), len),
            Z_OK);
  ASSERT_EQ(raw_size, raw.size());
  for (int y = 0; y < 3; ++y) {
    EXPECT_EQ(raw[y * 13], 0) << "row " << y;
    EXPECT_EQ(static_cast<std::uint8_t>(raw[y * 13 + 1]), image.get(0, y).r);
  }
}

TEST(Png, Crc32MatchesZlibOnArbitraryData) {
  std::mt19937 rng(3);
  std::string data(1000, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  const auto* p = reinterpret_cast<const std::uint8_t*>(data.data());
  EXPECT_EQ(png_crc32(p, data.size()), ::crc32(0, p, static_cast<uInt>(data.size())));
  // Continuing a CRC over two halves equals the CRC of the whole.
  EXPECT_EQ(png_crc32(p + 400, 600, png_crc32(p, 400)), png_crc32(p, data.size()));
  EXPECT_EQ(png_crc32(reinterpret_cast<const std::uint8_t*>("123456789"), 9), 0xCBF43926u);
}

TEST(Png, DecoderUndoesSubUpAveragePaethFilters) {
  // 2x4 image, one row per filter type 1..4; expected pixels follow from the PNG spec.
  std::string raw;
  raw += std::string{'\x01', 10, 20, 30, 5, 5, 5};     // Sub: second pixel = first + 5
  raw += std::string{'\x02', 1, 1, 1, 2, 2, 2};        // Up: previous row + delta
  raw += std::string{'\x03', 0, 0, 0, 0, 0, 0};        // Average of left and up
  raw += std::string{'\x04', 0, 0, 0, 0, 0, 0};        // Paeth
  const Image image = decode_png_rgb8(png_from_raw(2, 4, raw));
  EXPECT_EQ(image.get(0, 0), (Rgb{10, 20, 30}));
  EXPECT_EQ(image.get(1, 0), (Rgb{15, 25, 35}));
  EXPECT_EQ(image.get(0, 1), (Rgb{11, 21, 31}));
  EXPECT_EQ(image.get(1, 1), (Rgb{17, 27, 37}));
  EXPECT_EQ(image.get(0, 2), (Rgb{5, 10, 15}));     // (0 + 11) / 2 ...
  EXPECT_EQ(image.get(1, 2), (Rgb{11, 18, 26}));    // (5 + 17) / 2, (10 + 27) / 2, (15 + 37) / 2
  EXPECT_EQ(image.get(0, 3), (Rgb{5, 10, 15}));     // Paeth with no left picks up
  EXPECT_EQ(image.get(1, 3), (Rgb{11, 18, 26}));
}

TEST(Png, DecoderRejectsCorruptData) {
  std::string png = encode_png(random_image(5, 5, 4));
  EXPECT_THROW(decode_png_rgb8(png.substr(0, png.size() / 2)), std::runtime_error);
  EXPECT_THROW(decode_png_rgb8("not a png"), std::runtime_error);
  std::string flipped = png;
  flipped[45] = static_cast<char>(flipped[45] ^ 0x40);  // inside IDAT: the CRC no longer matches
  EXPECT_THROW(decode_png_rgb8(flipped), std::runtime_error);
  std::string grey = png;
  grey[25] = 0;  // colour type 0, with a recomputed CRC so that only the type is wrong
  const std::uint32_t crc = ::crc32(0, reinterpret_cast<const Bytef*>(grey.data() + 12), 17);
  for (int i = 0; i < 4; ++i) grey[29 + i] = static_cast<char>(crc >> (24 - 8 * i));
  EXPECT_THROW(decode_png_rgb8(grey), std::runtime_error);
}

TEST(Png, EmptyImageCannotBeEncoded) { EXPECT_THROW(encode_png(Image()), std::invalid_argument); }

TEST(Png, WritePngReplacesTheFileAndLeavesNoTemporary) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "moezoo_png_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / "plot.png";
  { std::ofstream(path) << "old contents"; }
  const Image image = random_image(9, 4, 5);
  write_png(path, image);
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  EXPECT_EQ(decode_png_rgb8(bytes.str()).bytes(), image.bytes());
  const auto entries = std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator());
  EXPECT_EQ(entries, 1) << "a temporary file was left";
  // A regular file where a folder should be: the error surfaces instead of a silent skip.
  EXPECT_THROW(write_png(dir / "plot.png" / "nested.png", image), std::runtime_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace moezoo::report
