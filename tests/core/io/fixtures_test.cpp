// Golden files written by Python (tools/gen_io_fixtures.py): numpy's own big-endian,
// Fortran-order and version 2.0/3.0 files, np.savez/np.savez_compressed archives and a
// file from the `safetensors` package. The expected values are the generator's formulas.

#include <gtest/gtest.h>

#include "core/io/npy.h"
#include "core/io/npz.h"
#include "core/io/safetensors.h"
#include "tests/core/io/io_test_util.h"

namespace moezoo::io {
namespace {

using testing::expect_error;
using testing::fixture;

template <typename T>
NpyArray typed_pattern(DType dtype, const std::vector<std::int64_t>& shape) {
  NpyArray probe;
  probe.shape = shape;
  const auto n = static_cast<std::size_t>(probe.numel());
  std::vector<T> values(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(i);
    if constexpr (std::is_same_v<T, bool>) {
      values[i] = i % 2 == 0;
    } else if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) {
      values[i] = T(static_cast<typename T::value_type>(x - 3), static_cast<typename T::value_type>(0.5 * x));
    } else if constexpr (std::is_unsigned_v<T>) {
      values[i] = static_cast<T>(i);
    } else {
      values[i] = static_cast<T>(x - 3);
    }
  }
  NpyArray array = NpyArray::from_values<T>(shape, values);
  EXPECT_EQ(array.dtype, dtype);
  return array;
}

// 16-bit floats of i - 3 for i = 0..5, as raw little-endian words.
NpyArray half_pattern(DType dtype, const std::vector<std::int64_t>& shape) {
  const std::vector<std::uint16_t> f16 = {0xC200, 0xC000, 0xBC00, 0x0000, 0x3C00, 0x4000};
  const std::vector<std::uint16_t> bf16 = {0xC040, 0xC000, 0xBF80, 0x0000, 0x3F80, 0x4000};
  NpyArray array = NpyArray::from_values<std::uint16_t>(shape, dtype == DType::Float16 ? f16 : bf16);
  array.dtype = dtype;
  return array;
}

// The generator's pattern(dtype, shape), C order.
NpyArray pattern(DType dtype, const std::vector<std::int64_t>& shape) {
  switch (dtype) {
    case DType::Bool: return typed_pattern<bool>(dtype, shape);
    case DType::Int8: return typed_pattern<std::int8_t>(dtype, shape);
    case DType::Int16: return typed_pattern<std::int16_t>(dtype, shape);
    case DType::Int32: return typed_pattern<std::int32_t>(dtype, shape);
    case DType::Int64: return typed_pattern<std::int64_t>(dtype, shape);
    case DType::UInt8: return typed_pattern<std::uint8_t>(dtype, shape);
    case DType::UInt16: return typed_pattern<std::uint16_t>(dtype, shape);
    case DType::UInt32: return typed_pattern<std::uint32_t>(dtype, shape);
    case DType::UInt64: return typed_pattern<std::uint64_t>(dtype, shape);
    case DType::Float16:
    case DType::BFloat16: return half_pattern(dtype, shape);
    case DType::Float32: return typed_pattern<float>(dtype, shape);
    case DType::Float64: return typed_pattern<double>(dtype, shape);
    case DType::Complex64: return typed_pattern<std::complex<float>>(dtype, shape);
    case DType::Complex128: return typed_pattern<std::complex<double>>(dtype, shape);
  }
  return {};
}

TEST(PythonFixtures, BigEndianIsByteswapped) {
  EXPECT_EQ(read_npy(fixture("be_f4_2x3.npy")), pattern(DType::Float32, {2, 3}));
  EXPECT_EQ(read_npy(fixture("be_i8_6.npy")), pattern(DType::Int64, {6}));
  EXPECT_EQ(read_npy(fixture("be_u2_3.npy")).values<std::uint16_t>(), (std::vector<std::uint16_t>{1, 258, 65535}));
  const auto c = read_npy(fixture("be_c16_2.npy")).values<std::complex<double>>();
  EXPECT_EQ(c, (std::vector<std::complex<double>>{{1, 2}, {-3.5, 0.25}}));
}

TEST(PythonFixtures, FortranOrderKeepsLogicalValues) {
  const auto f8 = read_npy(fixture("fortran_f8_3x4.npy"));
  EXPECT_TRUE(f8.fortran_order);
  EXPECT_EQ(f8.shape, (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(to_c_order(f8), pattern(DType::Float64, {3, 4}));
  // Column-major storage: the second stored element is (1, 0), i.e. 4 - 3.
  EXPECT_EQ(f8.values<double>()[1], 1.0);
  EXPECT_EQ(to_c_order(read_npy(fixture("fortran_i4_2x3x4.npy"))), pattern(DType::Int32, {2, 3, 4}));
  EXPECT_EQ(to_c_order(read_npy(fixture("fortran_be_f4_2x3.npy"))), pattern(DType::Float32, {2, 3}));
}

TEST(PythonFixtures, Version2And3HeadersZeroDAndEmpty) {
  EXPECT_EQ(read_npy(fixture("v2_f4_5.npy")), pattern(DType::Float32, {5}));
  EXPECT_EQ(read_npy(fixture("v3_i2_2x2.npy")), pattern(DType::Int16, {2, 2}));
  const auto scalar = read_npy(fixture("scalar_f8.npy"));
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.values<double>(), std::vector<double>{3.25});
  const auto empty = read_npy(fixture("empty_f4_0x3.npy"));
  EXPECT_EQ(empty.shape, (std::vector<std::int64_t>{0, 3}));
  EXPECT_TRUE(empty.bytes.empty());
}

TEST(PythonFixtures, OurNpyWriterIsByteIdenticalToNumpy) {
  for (const char* name : {"le_f4_2x3.npy", "fortran_f8_3x4.npy", "fortran_i4_2x3x4.npy", "scalar_f8.npy",
                           "empty_f4_0x3.npy"}) {
    EXPECT_EQ(serialize_npy(read_npy(fixture(name))), testing::read_bytes(fixture(name))) << name;
  }
}

TEST(PythonFixtures, UnsupportedDtypesAreRefusedClearly) {
  expect_error([] { read_npy(fixture("unicode_U2.npy")); }, {"unicode_U2.npy: unsupported dtype", "'<U2'", "unicode"});
  expect_error([] { read_npy(fixture("object.npy")); }, {"object.npy: unsupported dtype", "object"});
  expect_error([] { read_npy(fixture("structured.npy")); }, {"structured.npy: ", "structured"});
}

TEST(PythonFixtures, NumpyArchives) {
  const auto all = read_npz(fixture("all_dtypes.npz"));
  const std::vector<std::pair<std::string, DType>> expected = {
      {"?", DType::Bool},      {"i1", DType::Int8},    {"i2", DType::Int16},     {"i4", DType::Int32},
      {"i8", DType::Int64},    {"u1", DType::UInt8},   {"u2", DType::UInt16},    {"u4", DType::UInt32},
      {"u8", DType::UInt64},   {"f2", DType::Float16}, {"f4", DType::Float32},   {"f8", DType::Float64},
      {"c8", DType::Complex64}, {"c16", DType::Complex128}};
  EXPECT_EQ(all.size(), expected.size());
  for (const auto& [code, dtype] : expected) {
    ASSERT_TRUE(all.count("a_" + code)) << code;
    EXPECT_EQ(all.at("a_" + code), pattern(dtype, {2, 3})) << code;
  }
  const auto stored = read_npz(fixture("stored.npz"));
  EXPECT_EQ(stored.at("x"), pattern(DType::Float32, {2, 3}));
  EXPECT_EQ(stored.at("s").values<std::int64_t>(), std::vector<std::int64_t>{7});
  EXPECT_TRUE(stored.at("s").shape.empty());
  EXPECT_EQ(stored.at("e").dtype, DType::Bool);
  EXPECT_EQ(stored.at("e").shape, std::vector<std::int64_t>{0});
  expect_error([] { read_npz(fixture("truncated_member.npz")); },
               {"truncated_member.npz:a.npy: truncated: header says 80 bytes of data, found 72"});
}

TEST(PythonFixtures, SafetensorsFromThePythonPackage) {
  const auto path = fixture("python.safetensors");
  const SafetensorsFile file = read_safetensors(path);
  EXPECT_EQ(file.metadata, (std::map<std::string, std::string>{{"format", "pt"}}));
  const std::vector<std::pair<std::string, DType>> expected = {
      {"bool", DType::Bool},   {"u8", DType::UInt8},     {"i8", DType::Int8},    {"i16", DType::Int16},
      {"u16", DType::UInt16},  {"f16", DType::Float16},  {"bf16", DType::BFloat16}, {"i32", DType::Int32},
      {"u32", DType::UInt32},  {"f32", DType::Float32},  {"c64", DType::Complex64}, {"f64", DType::Float64},
      {"i64", DType::Int64},   {"u64", DType::UInt64}};
  for (const auto& [name, dtype] : expected) EXPECT_EQ(file.tensors.at(name), pattern(dtype, {2, 3})) << name;
  EXPECT_EQ(file.tensors.at("layer.0.scalar"), pattern(DType::Float32, {}));
  EXPECT_EQ(file.tensors.at("layer.0.empty").shape, (std::vector<std::int64_t>{0, 4}));
  EXPECT_EQ(file.tensors.at("layer.1.w"), pattern(DType::Float32, {3, 1, 2}));
  EXPECT_EQ(file.tensors.size(), expected.size() + 3);
  // Our writer reproduces the Python package's file byte for byte.
  EXPECT_EQ(serialize_safetensors(file), testing::read_bytes(path));
}

}  // namespace
}  // namespace moezoo::io
