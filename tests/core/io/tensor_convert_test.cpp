#include "core/io/tensor_convert.h"

#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <cstdlib>

#include "core/io/npz.h"
#include "core/io/safetensors.h"
#include "tests/core/io/io_test_util.h"
#include "tests/support/test_data.h"

namespace moezoo::io {
namespace {

using testing::expect_error;
using testing::sample_array;

TEST(TensorConvert, RoundTripsEveryDtypeShapeAndOrder) {
  for (DType dtype : all_dtypes()) {
    for (const auto& shape : testing::test_shapes()) {
      for (bool fortran : {false, true}) {
        const NpyArray array = sample_array(dtype, shape, fortran, 11);
        SCOPED_TRACE(describe(array));
        const at::Tensor t = to_tensor(array);
        EXPECT_EQ(t.scalar_type(), to_scalar_type(dtype));
        EXPECT_EQ(std::vector<std::int64_t>(t.sizes().begin(), t.sizes().end()), shape);
        EXPECT_TRUE(t.is_contiguous());
        EXPECT_EQ(from_tensor(t), to_c_order(array));
      }
    }
  }
}

TEST(TensorConvert, UnsignedAndComplexTypes) {
  EXPECT_EQ(to_scalar_type(DType::UInt16), torch::kUInt16);
  EXPECT_EQ(to_scalar_type(DType::UInt32), torch::kUInt32);
  EXPECT_EQ(to_scalar_type(DType::UInt64), torch::kUInt64);
  EXPECT_EQ(to_scalar_type(DType::Complex64), torch::kComplexFloat);
  EXPECT_EQ(to_scalar_type(DType::Complex128), torch::kComplexDouble);
  EXPECT_FALSE(dtype_from_scalar_type(torch::kFloat8_e4m3fn).has_value());
  const auto u = to_tensor(NpyArray::from_values<std::uint32_t>({2}, {7, 4000000000u}));
  EXPECT_EQ(u.to(torch::kDouble)[1].item<double>(), 4000000000.0);
  const auto c = to_tensor(NpyArray::from_values<std::complex<double>>({1}, {{1.5, -2.0}}));
  EXPECT_EQ(at::real(c).item<double>(), 1.5);
  EXPECT_EQ(at::imag(c).item<double>(), -2.0);
}

TEST(TensorConvert, FortranOrderKeepsLogicalIndexing) {
  // [[0, 1, 2], [3, 4, 5]] stored column-major.
  auto f = NpyArray::from_values<std::int32_t>({2, 3}, {0, 3, 1, 4, 2, 5});
  f.fortran_order = true;
  const at::Tensor t = to_tensor(f);
  EXPECT_TRUE(torch::equal(t, torch::arange(6, torch::kInt).reshape({2, 3})));
  auto f3 = sample_array(DType::Float64, {2, 3, 4}, true, 5);
  const at::Tensor t3 = to_tensor(f3);
  // Element (i, j, k) sits at i + 2j + 6k in the Fortran bytes.
  const auto* raw = reinterpret_cast<const double*>(f3.bytes.data());
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) {
        const double v = t3[i][j][k].item<double>();
        const double expected = raw[i + 2 * j + 6 * k];
        EXPECT_TRUE(v == expected || (std::isnan(v) && std::isnan(expected))) << i << j << k;
      }
}

TEST(TensorConvert, AnyStridesAndViews) {
  const auto base = torch::arange(24, torch::kFloat).reshape({4, 6});
  const auto strided = base.t().slice(0, 0, 6, 2);  // non-contiguous, stepped
  const NpyArray a = from_tensor(strided);
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{3, 4}));
  EXPECT_TRUE(torch::equal(to_tensor(a), strided.contiguous()));

  const auto z = torch::complex(torch::arange(3, torch::kFloat), torch::ones({3}));
  EXPECT_TRUE(torch::equal(to_tensor(from_tensor(z.conj())), z.conj().resolve_conj()));
  EXPECT_TRUE(torch::equal(to_tensor(from_tensor(at::imag(z.conj()))), -torch::ones({3})));
  EXPECT_TRUE(torch::equal(to_tensor(from_tensor(torch::ones({2, 2}, torch::requires_grad()))), torch::ones({2, 2})));
}

TEST(TensorConvert, BoolBytesAreNormalised) {
  NpyArray flags;
  flags.dtype = DType::Bool;
  flags.shape = {3};
  flags.bytes = std::string("\x00\x02\xff", 3);
  const at::Tensor t = to_tensor(flags);
  EXPECT_EQ(t.sum().item<std::int64_t>(), 2);
  EXPECT_EQ(from_tensor(t).bytes, std::string("\x00\x01\x01", 3));
}

TEST(TensorConvert, RefusesWhatFilesCannotHold) {
  expect_error([] { from_tensor(at::Tensor(), "w"); }, {"w: undefined tensor"});
  expect_error([] { from_tensor(torch::eye(3).to_sparse(), "adj"); }, {"adj: ", "to_dense"});
  expect_error([] { from_tensor(torch::zeros({2}, torch::kFloat8_e4m3fn), "q"); }, {"q: ", "Float8_e4m3fn"});
  expect_error([] { from_tensor(torch::zeros({2}, torch::TensorOptions().device(torch::kMeta)), "m"); }, {"m: ", "meta"});
  const auto dir = moezoo::testing::temp_dir("io_torch");
  expect_error([&] { save_npz(dir / "b.npz", {{"w", torch::zeros({2}, torch::kBFloat16)}}); }, {"b.npz: ", "bfloat16"});
  expect_error([&] { save_safetensors(dir / "c.safetensors", {{"z", torch::zeros({2}, torch::kComplexDouble)}}); },
               {"c.safetensors: ", "'z'", "complex128"});
  EXPECT_FALSE(std::filesystem::exists(dir / "b.npz"));
}

std::map<std::string, at::Tensor> sample_tensors(bool with_bf16) {
  torch::manual_seed(3);
  std::map<std::string, at::Tensor> tensors{
      {"w", torch::randn({4, 3})},
      {"w_t", torch::randn({3, 4}).t()},
      {"b", torch::randn({3}, torch::kDouble)},
      {"idx", torch::randint(0, 1000, {2, 5}, torch::kLong)},
      {"mask", torch::rand({7}) > 0.5},
      {"h", torch::randn({2, 2}).to(torch::kHalf)},
      {"u16", torch::randint(0, 65535, {4}, torch::kLong).to(torch::kUInt16)},
      {"u32", torch::randint(0, 1 << 30, {4}, torch::kLong).to(torch::kUInt32)},
      {"u64", torch::randint(0, 1 << 30, {4}, torch::kLong).to(torch::kUInt64)},
      {"i8", torch::randint(-128, 127, {3}, torch::kLong).to(torch::kChar)},
      {"u8", torch::randint(0, 255, {3}, torch::kLong).to(torch::kByte)},
      {"i16", torch::randint(-30000, 30000, {3}, torch::kLong).to(torch::kShort)},
      {"i32", torch::randint(-100000, 100000, {3}, torch::kLong).to(torch::kInt)},
      {"c", torch::complex(torch::randn({2}), torch::randn({2}))},
      {"scalar", torch::tensor(2.5)},
      {"empty", torch::zeros({0, 3})},
  };
  if (with_bf16) tensors["bf"] = torch::randn({2, 3}).to(torch::kBFloat16);
  return tensors;
}

void expect_same(const std::map<std::string, at::Tensor>& got, const std::map<std::string, at::Tensor>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [key, tensor] : want) {
    ASSERT_TRUE(got.count(key)) << key;
    EXPECT_EQ(from_tensor(got.at(key)), from_tensor(tensor)) << key;  // bytewise, for every dtype
    EXPECT_TRUE(got.at(key).device().is_cpu());
  }
}

TEST(TensorConvert, NpzAndSafetensorsRoundTrip) {
  const auto dir = moezoo::testing::temp_dir("io_torch");
  const auto plain = sample_tensors(false);
  save_npz(dir / "t.npz", plain, true);
  expect_same(load_npz(dir / "t.npz"), plain);
  save_npz(dir / "s.npz", plain, false);
  expect_same(load_npz(dir / "s.npz"), plain);

  const auto weights = sample_tensors(true);
  save_safetensors(dir / "t.safetensors", weights, {{"format", "pt"}});
  std::map<std::string, std::string> metadata;
  expect_same(load_safetensors(dir / "t.safetensors", &metadata), weights);
  EXPECT_EQ(metadata, (std::map<std::string, std::string>{{"format", "pt"}}));
}

// Writes a file for tools/check_safetensors.py (Python's reader) when
// MOEZOO_IO_EXPORT names a folder: <dir>/moezoo.safetensors plus <dir>/reference.npz
// with the same values (bfloat16 as float32, which numpy can hold).
TEST(TensorConvert, ExportForPythonCheck) {
  const char* out = std::getenv("MOEZOO_IO_EXPORT");
  const auto dir = out ? std::filesystem::path(out) : moezoo::testing::temp_dir("io_torch");
  const auto weights = sample_tensors(true);
  save_safetensors(dir / "moezoo.safetensors", weights, {{"format", "pt"}});
  std::map<std::string, at::Tensor> reference = weights;
  reference["bf"] = weights.at("bf").to(torch::kFloat);
  save_npz(dir / "reference.npz", reference, true);
  expect_same(load_npz(dir / "reference.npz"), reference);
  // With MOEZOO_IO_EXPORT set, CTest's io_safetensors_readable_by_python then checks the files with Python.
}

TEST(TensorConvert, CudaTensorsAreCopiedToTheCpu) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  const auto cpu = torch::randn({5, 7});
  const auto gpu = cpu.to(torch::kCUDA).t();
  EXPECT_EQ(from_tensor(gpu), from_tensor(cpu.t()));
  const auto dir = moezoo::testing::temp_dir("io_torch");
  save_safetensors(dir / "g.safetensors", {{"w", gpu}});
  EXPECT_TRUE(torch::equal(load_safetensors(dir / "g.safetensors").at("w"), cpu.t().contiguous()));
}

}  // namespace
}  // namespace moezoo::io
