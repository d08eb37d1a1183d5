#include "core/io/safetensors.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/core/io/io_test_util.h"
#include "tests/support/test_data.h"

namespace moezoo::io {
namespace {

using testing::expect_error;
using testing::sample_array;

// A safetensors image with the given JSON header (unpadded) and data.
std::string with_header(const std::string& json, const std::string& data) {
  std::string out;
  for (int i = 0; i < 8; ++i) out += static_cast<char>((json.size() >> (8 * i)) & 0xff);
  return out + json + data;
}

SafetensorsFile every_dtype() {
  SafetensorsFile file;
  unsigned seed = 1;
  for (DType dtype : all_dtypes()) {
    if (dtype == DType::Complex128) continue;
    for (const auto& shape : testing::test_shapes()) {
      file.tensors[std::string(dtype_name(dtype)) + "." + std::to_string(seed)] = sample_array(dtype, shape, false, seed);
      ++seed;
    }
  }
  file.metadata = {{"format", "pt"}, {"note", "moezoo \"test\"\twith escapes \xc3\xa9"}};
  return file;
}

TEST(Safetensors, RoundTripsEveryDtypeAndShape) {
  const SafetensorsFile file = every_dtype();
  const auto path = moezoo::testing::temp_dir("safetensors") / "w.safetensors";
  write_safetensors(path, file);
  const SafetensorsFile back = read_safetensors(path);
  EXPECT_EQ(back.tensors, file.tensors);
  EXPECT_EQ(back.metadata, file.metadata);
}

TEST(Safetensors, FortranArraysAreWrittenInCOrder) {
  auto f = NpyArray::from_values<std::int32_t>({2, 3}, {0, 3, 1, 4, 2, 5});
  f.fortran_order = true;
  const auto back = parse_safetensors(serialize_safetensors({{{"m", f}}, {}}), "mem");
  EXPECT_FALSE(back.tensors.at("m").fortran_order);
  EXPECT_EQ(back.tensors.at("m").values<std::int32_t>(), (std::vector<std::int32_t>{0, 1, 2, 3, 4, 5}));
}

// The rules the Rust reader (and so Python) enforces on what we write.
TEST(Safetensors, WrittenHeaderFollowsTheReferenceLayout) {
  const std::string bytes = serialize_safetensors(every_dtype());
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  ASSERT_LE(8 + n, bytes.size());
  EXPECT_EQ(n % 8, 0u) << "header padded to 8 bytes";
  const std::string text = bytes.substr(8, n);
  EXPECT_EQ(text[0], '{');
  const auto end = text.find_last_not_of(' ');
  EXPECT_EQ(text[end], '}');
  EXPECT_LT(text.size() - end - 1, 8u) << "at most 7 spaces of padding";
  EXPECT_EQ(text.find('\n'), std::string::npos) << "compact JSON";
  EXPECT_EQ(text.rfind("{\"__metadata__\":{\"format\":\"pt\",", 0), 0u) << "metadata first";

  const auto header = nlohmann::ordered_json::parse(text);
  std::uint64_t cursor = 0;
  std::size_t previous_size = 16;
  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__") continue;
    ASSERT_EQ(info.size(), 3u);
    const auto keys = std::vector<std::string>{info.begin().key(), std::next(info.begin()).key(),
                                               std::next(info.begin(), 2).key()};
    EXPECT_EQ(keys, (std::vector<std::string>{"dtype", "shape", "data_offsets"}));
    const auto dtype = dtype_from_safetensors(info["dtype"].get<std::string>());
    ASSERT_TRUE(dtype.has_value());
    EXPECT_LE(dtype_size(*dtype), previous_size) << name << ": laid out by descending alignment";
    previous_size = dtype_size(*dtype);
    EXPECT_EQ(info["data_offsets"][0].get<std::uint64_t>(), cursor) << name << ": contiguous";
    cursor = info["data_offsets"][1].get<std::uint64_t>();
  }
  EXPECT_EQ(8 + n + cursor, bytes.size()) << "data covers the rest of the file exactly";
}

TEST(Safetensors, EmptyFileMatchesTheRustCrate) {
  // Byte strings from the Rust crate's own test_empty.
  EXPECT_EQ(serialize_safetensors({}), std::string("\x08\0\0\0\0\0\0\0{}      ", 16));
  EXPECT_EQ(serialize_safetensors({{}, {{"framework", "pt"}}}),
            std::string("\x28\0\0\0\0\0\0\0{\"__metadata__\":{\"framework\":\"pt\"}}     ", 48));
}

TEST(Safetensors, ValidationErrorsNameTheTensor) {
  const std::string f32x2 = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":";
  const std::string eight(8, '\0');
  expect_error([] { parse_safetensors("abc", "m.safetensors"); }, {"m.safetensors: truncated"});
  expect_error([&] { parse_safetensors(with_header("{}", "").substr(0, 9), "m.safetensors"); },
               {"truncated: header length says 2"});
  expect_error([&] { parse_safetensors(std::string("\xff\xff\xff\xff\0\0\0\0", 8), "m.safetensors"); },
               {"100 MB"});
  expect_error([&] { parse_safetensors(with_header("[1]", ""), "m.safetensors"); }, {"must start with '{'"});
  expect_error([&] { parse_safetensors(with_header("{\"a\":", ""), "m.safetensors"); }, {"not valid UTF-8 JSON"});
  expect_error([&] { parse_safetensors(with_header("{\"a\":" + f32x2 + "[0,8]}}", eight + "x"), "m.safetensors"); },
               {"m.safetensors: corrupt: header says 8 bytes of data, found 9"});
  expect_error([&] { parse_safetensors(with_header("{\"a\":" + f32x2 + "[0,8]}}", "1234"), "m.safetensors"); },
               {"m.safetensors: truncated: header says 8 bytes of data, found 4"});
  expect_error([&] { parse_safetensors(with_header("{\"a\":" + f32x2 + "[0,12]}}", eight + "1234"), "m.safetensors"); },
               {"tensor 'a'", "needs 8 bytes but data_offsets [0, 12] span 12"});
  expect_error([&] { parse_safetensors(with_header("{\"a\":" + f32x2 + "[4,12]}}", eight + "1234"), "m.safetensors"); },
               {"tensor 'a'", "gap"});
  expect_error([&] {
    parse_safetensors(with_header("{\"a\":" + f32x2 + "[0,8]},\"b\":" + f32x2 + "[4,12]}}", eight + "1234"),
                      "m.safetensors");
  }, {"tensor 'b'", "overlap tensor 'a'"});
  expect_error([&] { parse_safetensors(with_header("{\"a\":" + f32x2 + "[8,0]}}", eight), "m.safetensors"); },
               {"tensor 'a'", "end before they begin"});
  expect_error([&] {
    parse_safetensors(with_header("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", "12"),
                      "m.safetensors");
  }, {"tensor 'a'", "unsupported dtype \"F8_E4M3\""});
  expect_error([&] {
    parse_safetensors(with_header("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", eight),
                      "m.safetensors");
  }, {"tensor 'a'", "non-negative integers"});
  expect_error([&] { parse_safetensors(with_header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", ""), "m.safetensors"); },
               {"tensor 'a'", "data_offsets"});
  expect_error([&] { parse_safetensors(with_header("{\"__metadata__\":{\"k\":1}}", ""), "m.safetensors"); },
               {"__metadata__", "not a string"});
  expect_error([] { serialize_safetensors({{{"c", sample_array(DType::Complex128, {2})}}, {}}); },
               {"tensor 'c'", "complex128"});
  expect_error([] { serialize_safetensors({{{"__metadata__", sample_array(DType::Float32, {2})}}, {}}); },
               {"__metadata__"});
  expect_error([] { serialize_safetensors({{{"bad\xff", sample_array(DType::Float32, {2})}}, {}}); }, {"UTF-8"});
}

TEST(Safetensors, AcceptsAnyOffsetOrderAndUnpaddedHeaders) {
  // Older writers ordered entries by name; only the offsets must be contiguous.
  const std::string json =
      "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[4,5]},"
      "\"b\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[0,4]}}";
  const auto file = parse_safetensors(with_header(json, std::string("\x07\0\0\0\x09", 5)), "m");
  EXPECT_EQ(file.tensors.at("b").values<std::int32_t>(), std::vector<std::int32_t>{7});
  EXPECT_EQ(file.tensors.at("a").values<std::uint8_t>(), std::vector<std::uint8_t>{9});
}

TEST(Safetensors, EveryTruncationAndFlipIsCaught) {
  SafetensorsFile file;
  file.tensors["w"] = sample_array(DType::Float32, {3, 2});
  file.tensors["b"] = sample_array(DType::Int64, {2});
  file.metadata["format"] = "pt";
  const std::string bytes = serialize_safetensors(file);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(testing::succeeds_or_names([&] { parse_safetensors(bytes.substr(0, cut), "t.safetensors"); },
                                            "t.safetensors", "cut " + std::to_string(cut)));
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x41);
    testing::succeeds_or_names([&] { parse_safetensors(flipped, "t.safetensors"); }, "t.safetensors",
                               "flip " + std::to_string(i));
  }
}

}  // namespace
}  // namespace moezoo::io
