#include "core/io/npy_array.h"

#include <gtest/gtest.h>

#include "tests/core/io/io_test_util.h"

namespace moezoo::io {
namespace {

using testing::expect_error;
using testing::sample_array;

TEST(NpyArray, DtypeTablesAreConsistent) {
  EXPECT_EQ(all_dtypes().size(), 15u);
  for (DType dtype : all_dtypes()) {
    SCOPED_TRACE(std::string(dtype_name(dtype)));
    if (auto descr = numpy_descr(dtype)) {
      const auto parsed = parse_numpy_descr(*descr);
      ASSERT_TRUE(parsed.has_value());
      EXPECT_EQ(parsed->dtype, dtype);
      EXPECT_FALSE(parsed->big_endian);
    } else {
      EXPECT_EQ(dtype, DType::BFloat16);
    }
    if (auto name = safetensors_dtype_name(dtype)) {
      EXPECT_EQ(dtype_from_safetensors(*name), dtype);
    } else {
      EXPECT_EQ(dtype, DType::Complex128);
    }
  }
}

TEST(NpyArray, KnownNames) {
  EXPECT_EQ(numpy_descr(DType::Float32), "<f4");
  EXPECT_EQ(numpy_descr(DType::Bool), "|b1");
  EXPECT_EQ(numpy_descr(DType::UInt8), "|u1");
  EXPECT_EQ(numpy_descr(DType::Complex128), "<c16");
  EXPECT_EQ(safetensors_dtype_name(DType::BFloat16), "BF16");
  EXPECT_EQ(safetensors_dtype_name(DType::Int64), "I64");
  EXPECT_EQ(safetensors_dtype_name(DType::Bool), "BOOL");
  EXPECT_EQ(safetensors_dtype_name(DType::Complex64), "C64");
  EXPECT_EQ(dtype_size(DType::Complex64), 8u);
  EXPECT_EQ(dtype_size(DType::Complex128), 16u);
  EXPECT_EQ(dtype_size(DType::BFloat16), 2u);
  EXPECT_EQ(dtype_name(DType::UInt16), "uint16");
  EXPECT_FALSE(dtype_from_safetensors("F8_E4M3").has_value());
  EXPECT_FALSE(dtype_from_safetensors("").has_value());
}

TEST(NpyArray, ParsesDescrVariants) {
  EXPECT_EQ(parse_numpy_descr(">f4")->dtype, DType::Float32);
  EXPECT_TRUE(parse_numpy_descr(">f4")->big_endian);
  EXPECT_FALSE(parse_numpy_descr(">u1")->big_endian);  // one byte has no order
  EXPECT_EQ(parse_numpy_descr("?")->dtype, DType::Bool);
  EXPECT_EQ(parse_numpy_descr("f8")->dtype, DType::Float64);
  EXPECT_EQ(parse_numpy_descr("=i2")->dtype, DType::Int16);
  EXPECT_EQ(parse_numpy_descr("|b1")->dtype, DType::Bool);
  EXPECT_TRUE(parse_numpy_descr(">c8")->big_endian);
  for (const char* bad : {"<U7", "|S3", "|O", "<f16", "<c32", "<M8[ns]", "|V8", "", "<", "<i3", "<f4x"}) {
    EXPECT_FALSE(parse_numpy_descr(bad).has_value()) << bad;
  }
  EXPECT_NE(unsupported_descr_reason("<U7").find("unicode string"), std::string::npos);
  EXPECT_NE(unsupported_descr_reason("|O").find("object"), std::string::npos);
  EXPECT_NE(unsupported_descr_reason("<f16").find("long double"), std::string::npos);
}

TEST(NpyArray, SizesAndValues) {
  const auto a = NpyArray::from_values<std::int32_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(a.dtype, DType::Int32);
  EXPECT_EQ(a.numel(), 6);
  EXPECT_EQ(a.nbytes(), 24u);
  EXPECT_EQ(a.values<std::int32_t>(), (std::vector<std::int32_t>{1, 2, 3, 4, 5, 6}));
  expect_error([&] { (void)a.values<float>(); }, {"int32[2, 3]", "values<float32>"});
  expect_error([] { (void)NpyArray::from_values<float>({2, 2}, {1.f}); }, {"4 elements", "1 values"});

  const auto scalar = NpyArray::from_values<double>({}, {2.5});
  EXPECT_EQ(scalar.numel(), 1);
  EXPECT_EQ(scalar.ndim(), 0u);
  const auto flags = NpyArray::from_values<bool>({3}, {true, false, true});
  EXPECT_EQ(flags.bytes, std::string("\x01\x00\x01", 3));
  EXPECT_EQ(describe(a), "int32[2, 3]");
}

TEST(NpyArray, CheckedNbytesRejectsNegativeAndOverflow) {
  EXPECT_EQ(checked_nbytes(DType::Float64, {2, 3}, "x"), 48u);
  EXPECT_EQ(checked_nbytes(DType::Float64, {}, "x"), 8u);
  EXPECT_EQ(checked_nbytes(DType::Float64, {0, std::int64_t{1} << 62}, "x"), 0u);
  expect_error([] { checked_nbytes(DType::Float32, {2, -1}, "f.npy"); }, {"f.npy: ", "negative dimension -1"});
  expect_error([] { checked_nbytes(DType::Float32, {std::int64_t{1} << 40, std::int64_t{1} << 40}, "f.npy"); },
               {"f.npy: ", "too large"});
  expect_error([] { checked_nbytes(DType::Complex128, {std::int64_t{1} << 60}, "f.npy"); }, {"too large"});
}

TEST(NpyArray, ValidateChecksByteCount) {
  auto a = sample_array(DType::Int16, {2, 2});
  validate(a, "a");
  a.bytes.pop_back();
  expect_error([&] { validate(a, "weights"); }, {"weights: ", "needs 8 bytes but holds 7"});
}

TEST(NpyArray, FortranToCOrderKeepsLogicalIndexing) {
  // The 2x3 matrix [[0,1,2],[3,4,5]] in column-major order is 0,3,1,4,2,5.
  auto f = NpyArray::from_values<std::int32_t>({2, 3}, {0, 3, 1, 4, 2, 5});
  f.fortran_order = true;
  const NpyArray c = to_c_order(f);
  EXPECT_FALSE(c.fortran_order);
  EXPECT_EQ(c.values<std::int32_t>(), (std::vector<std::int32_t>{0, 1, 2, 3, 4, 5}));

  // 3-d: element (i,j,k) of shape (2,3,4) sits at i + 2j + 6k in Fortran order.
  std::vector<std::int64_t> fortran(24);
  for (std::int64_t i = 0; i < 2; ++i)
    for (std::int64_t j = 0; j < 3; ++j)
      for (std::int64_t k = 0; k < 4; ++k) fortran[static_cast<std::size_t>(i + 2 * j + 6 * k)] = i * 12 + j * 4 + k;
  auto f3 = NpyArray::from_values<std::int64_t>({2, 3, 4}, fortran);
  f3.fortran_order = true;
  std::vector<std::int64_t> expected(24);
  for (std::size_t n = 0; n < 24; ++n) expected[n] = static_cast<std::int64_t>(n);
  EXPECT_EQ(to_c_order(f3).values<std::int64_t>(), expected);

  // 1-d, 0-d and empty arrays are the same in both orders.
  auto v = NpyArray::from_values<float>({3}, {1, 2, 3});
  v.fortran_order = true;
  EXPECT_EQ(to_c_order(v).bytes, v.bytes);
  auto e = sample_array(DType::Float32, {0, 3}, true);
  EXPECT_TRUE(to_c_order(e).bytes.empty());
}

}  // namespace
}  // namespace moezoo::io
