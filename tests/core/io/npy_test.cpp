#include "core/io/npy.h"

#include <gtest/gtest.h>

#include "core/io/npy_header.h"
#include "tests/core/io/io_test_util.h"
#include "tests/support/test_data.h"

namespace moezoo::io {
namespace {

using testing::expect_error;
using testing::sample_array;

// A .npy image with a hand-written header, padded the way numpy pads.
std::string npy_with_header(const std::string& dict, const std::string& data, int major = 1) {
  std::string header = dict;
  const std::size_t prefix = major == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = std::string("\x93NUMPY", 6) + static_cast<char>(major) + '\0';
  for (std::size_t i = 0; i < prefix - 8; ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + data;
}

TEST(NpyHeader, ParsesAnyKeyOrderSpacingAndTrailingCommas) {
  const auto h = parse_npy_header("{ \"shape\" : ( 3 , 4 , ) ,'fortran_order':True,\n 'descr':'>i8', }  \n", "h");
  EXPECT_EQ(h.descr, ">i8");
  EXPECT_TRUE(h.fortran_order);
  EXPECT_EQ(h.shape, (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(parse_npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': ()}", "h").shape.size(), 0u);
  EXPECT_EQ(parse_npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (5,)}", "h").shape,
            (std::vector<std::int64_t>{5}));
  EXPECT_EQ(parse_npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L)}", "h").shape,
            (std::vector<std::int64_t>{2, 3}));
  const auto s = parse_npy_header("{'descr': [('a', '<i4'), ('b', '<f4', (2,))], 'fortran_order': False, 'shape': (2,)}", "h");
  EXPECT_TRUE(s.structured);
}

TEST(NpyHeader, RejectsMalformedHeaders) {
  expect_error([] { parse_npy_header("{'descr': '<f4', 'shape': (2,)}", "f.npy"); },
               {"f.npy: ", "missing key 'fortran_order'"});
  expect_error([] { parse_npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", "f.npy"); },
               {"unexpected key 'x'"});
  expect_error([] { parse_npy_header("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", "f.npy"); },
               {"'fortran_order' must be True or False"});
  expect_error([] { parse_npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1)}", "f.npy"); },
               {"negative dimension"});
  expect_error([] { parse_npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,", "f.npy"); },
               {"f.npy: "});
  expect_error([] { parse_npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", "f.npy"); },
               {"integer too large"});
  expect_error([] { parse_npy_header("{'shape': " + std::string(1000, '('), "f.npy"); }, {"f.npy: ", "too deep"});
  expect_error([] { parse_npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x", "f.npy"); },
               {"after the closing"});
  expect_error([] { parse_npy_header("", "f.npy"); }, {"expected '{'"});
}

TEST(NpyHeader, FormatsLikeNumpy) {
  NpyHeader h{"<f4", false, false, {2, 3}};
  EXPECT_EQ(format_npy_header(h), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + std::string(20, ' '));
  h.shape = {5};
  EXPECT_EQ(format_npy_header(h), "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }" + std::string(20, ' '));
  h.shape = {};
  EXPECT_EQ(format_npy_header(h), "{'descr': '<f4', 'fortran_order': False, 'shape': (), }");
}

TEST(Npy, RoundTripsEveryDtypeShapeAndOrder) {
  const auto dir = moezoo::testing::temp_dir("npy");
  for (DType dtype : all_dtypes()) {
    if (dtype == DType::BFloat16) continue;
    for (const auto& shape : testing::test_shapes()) {
      for (bool fortran : {false, true}) {
        const NpyArray array = sample_array(dtype, shape, fortran, static_cast<unsigned>(shape.size()) + 7);
        SCOPED_TRACE(describe(array));
        const std::string bytes = serialize_npy(array);
        EXPECT_EQ(bytes.size() % 64, array.nbytes() % 64) << "data must start 64-byte aligned";
        EXPECT_EQ(parse_npy(bytes, "mem"), array);
        const auto path = dir / "a.npy";
        write_npy(path, array);
        EXPECT_EQ(read_npy(path), array);
      }
    }
  }
}

TEST(Npy, LargeHeaderFallsBackToVersion2) {
  NpyArray array;
  array.dtype = DType::UInt8;
  array.shape.assign(25000, 1);  // "1, " x 25000 > 65535 header bytes
  array.bytes = "x";
  const std::string bytes = serialize_npy(array);
  EXPECT_EQ(bytes[6], '\x02');
  EXPECT_EQ(parse_npy(bytes, "mem"), array);
}

TEST(Npy, ReadsHandWrittenHeaders) {
  const std::string data("\x01\x00\x02\x00\x03\x00", 6);
  const auto a = parse_npy(npy_with_header("{'shape':(3,),'descr':'<i2','fortran_order':False,}", data), "mem");
  EXPECT_EQ(a.values<std::int16_t>(), (std::vector<std::int16_t>{1, 2, 3}));
  const auto b = parse_npy(npy_with_header("{'descr': '>i2', 'fortran_order': False, 'shape': (3,)}",
                                           std::string("\x00\x01\x00\x02\x00\x03", 6), 2),
                           "mem");
  EXPECT_EQ(b.values<std::int16_t>(), (std::vector<std::int16_t>{1, 2, 3}));
}

TEST(Npy, ErrorsNameTheFileAndWhatWasExpected) {
  const std::string good = serialize_npy(NpyArray::from_values<float>({2, 2}, {1, 2, 3, 4}));
  expect_error([] { parse_npy("PK\x03\x04 not npy at all", "w.npy"); }, {"w.npy: ", "bad magic"});
  expect_error([] { parse_npy(std::string("\x93NUM", 4), "w.npy"); }, {"w.npy: truncated"});
  expect_error([&] { parse_npy(good.substr(0, good.size() - 3), "w.npy"); },
               {"w.npy: truncated: header says 16 bytes of data, found 13"});
  expect_error([&] { parse_npy(good + "zz", "w.npy"); }, {"w.npy: ", "header says 16 bytes of data, found 18"});
  expect_error([&] { parse_npy(good.substr(0, 40), "w.npy"); }, {"w.npy: truncated", "header is 118 bytes"});
  std::string v9 = good;
  v9[6] = 9;
  expect_error([&] { parse_npy(v9, "w.npy"); }, {"w.npy: ", "version 9.0"});
  expect_error([] { parse_npy(npy_with_header("{'descr': '<U3', 'fortran_order': False, 'shape': (1,)}", "abc"), "s.npy"); },
               {"s.npy: ", "unsupported dtype", "unicode string"});
  expect_error([] { parse_npy(npy_with_header("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,)}", "abcd"), "r.npy"); },
               {"r.npy: ", "structured"});
  expect_error([] { read_npy("/nonexistent/dir/x.npy"); }, {"/nonexistent/dir/x.npy"});
  NpyArray bf16 = sample_array(DType::BFloat16, {2});
  expect_error([&] { write_npy(moezoo::testing::temp_dir("npy") / "b.npy", bf16); }, {"b.npy: ", "bfloat16"});
}

TEST(Npy, EveryTruncationIsAnErrorNamingTheFile) {
  const std::string bytes = serialize_npy(sample_array(DType::Float64, {3, 2}));
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(testing::succeeds_or_names([&] { parse_npy(bytes.substr(0, cut), "cut.npy"); }, "cut.npy",
                                            "cut at " + std::to_string(cut)));
  }
}

TEST(Npy, FlippedBytesNeverCrash) {
  const std::string bytes = serialize_npy(sample_array(DType::Int32, {4, 3}));
  int errors = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (unsigned char mask : {0x01, 0x80, 0xff}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      errors += testing::succeeds_or_names([&] { parse_npy(bad, "flip.npy"); }, "flip.npy", "byte " + std::to_string(i))
                    ? 0
                    : 1;
    }
  }
  EXPECT_GT(errors, 100);  // magic, version, lengths and most header bytes are checked
}

}  // namespace
}  // namespace moezoo::io
