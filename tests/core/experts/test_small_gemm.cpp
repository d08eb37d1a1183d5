// The AVX2 small-slice matmuls (core/experts/small_gemm.h) against at::mm in double
// precision, on shapes that hit every register-tile remainder (rows, columns, the
// N % 8 tail) and on operands with leading dimensions wider than the rows.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/experts/small_gemm.h"

namespace moezoo::core {
namespace {

// fp32 products summed over `depth` terms of magnitude ~1 against the fp64 result.
void expect_close(const at::Tensor& got, const at::Tensor& want, int64_t depth, const std::string& what) {
  const double bound = 1e-6 * static_cast<double>(depth) + 1e-6;
  const double err = (got.to(torch::kDouble) - want).abs().max().item<double>();
  EXPECT_LE(err, bound) << what;
}

/// A [rows, cols] view of a wider random matrix (leading dimension cols + 3).
at::Tensor padded_randn(int64_t rows, int64_t cols) {
  return torch::randn({rows, cols + 3}).narrow(1, 1, cols);
}

std::string shape_name(int64_t a, int64_t b, int64_t c) {
  return std::to_string(a) + "x" + std::to_string(b) + "x" + std::to_string(c);
}

// The kernels exist on x86-64 only (elsewhere grouped_mm uses BLAS and these tests
// are not compiled). Every x86-64 machine of the project has AVX2 + FMA, so they must
// be available, and run, there.
#if defined(__x86_64__)
TEST(SmallGemm, AvailableOnThisMachine) { ASSERT_TRUE(small_gemm_available()); }

class SmallGemmShapes : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(small_gemm_available()) << "no AVX2 + FMA on this CPU";
    torch::manual_seed(11);
  }
  const std::vector<int64_t> rows_{1, 4, 5, 6, 7, 13, 64};     // remainders of 4 and 6
  const std::vector<int64_t> cols_{1, 3, 7, 8, 15, 16, 17, 40};  // remainders of 3, 8 and 16
  const std::vector<int64_t> depth_{1, 2, 8, 9, 33};
};

TEST_F(SmallGemmShapes, ForwardWithAndWithoutBiasEqualsMm) {
  for (int64_t M : rows_)
    for (int64_t N : cols_)
      for (int64_t K : depth_)
        for (bool with_bias : {false, true}) {
          const at::Tensor A = padded_randn(M, K), B = padded_randn(K, N), bias = torch::randn({N});
          at::Tensor C = torch::full({M, N + 2}, 7.0f);
          small_gemm_nn(M, N, K, A.data_ptr<float>(), A.stride(0), B.data_ptr<float>(), B.stride(0),
                        with_bias ? bias.data_ptr<float>() : nullptr, C.data_ptr<float>(), C.stride(0));
          at::Tensor want = at::mm(A.to(torch::kDouble), B.to(torch::kDouble));
          if (with_bias) want = want + bias.to(torch::kDouble);
          expect_close(C.narrow(1, 0, N), want, K, "nn " + shape_name(M, N, K));
          EXPECT_TRUE((C.narrow(1, N, 2) == 7.0f).all().item<bool>()) << "nn wrote past column N";
        }
}

TEST_F(SmallGemmShapes, InputGradientEqualsMmWithTransposedWeight) {
  for (int64_t M : rows_)
    for (int64_t K : cols_)
      for (int64_t N : depth_) {
        const at::Tensor A = padded_randn(M, N), B = padded_randn(K, N);  // g [M, N], w [K, N]
        at::Tensor C = torch::full({M, K + 2}, 7.0f);
        small_gemm_nt(M, K, N, A.data_ptr<float>(), A.stride(0), B.data_ptr<float>(), B.stride(0),
                      C.data_ptr<float>(), C.stride(0));
        expect_close(C.narrow(1, 0, K), at::mm(A.to(torch::kDouble), B.to(torch::kDouble).t()), N,
                     "nt " + shape_name(M, K, N));
        EXPECT_TRUE((C.narrow(1, K, 2) == 7.0f).all().item<bool>()) << "nt wrote past column K";
      }
}

TEST_F(SmallGemmShapes, WeightGradientEqualsMmWithTransposedInput) {
  for (int64_t K : rows_)
    for (int64_t N : cols_)
      for (int64_t M : {0L, 1L, 2L, 9L, 65L}) {  // M = 0: an expert without rows gets zeros
        const at::Tensor A = padded_randn(M, K), B = padded_randn(M, N);  // x [M, K], g [M, N]
        at::Tensor C = torch::full({K, N + 2}, 7.0f);
        small_gemm_tn(K, N, M, A.data_ptr<float>(), A.stride(0), B.data_ptr<float>(), B.stride(0),
                      C.data_ptr<float>(), C.stride(0));
        expect_close(C.narrow(1, 0, N), at::mm(A.to(torch::kDouble).t(), B.to(torch::kDouble)), M,
                     "tn " + shape_name(K, N, M));
        EXPECT_TRUE((C.narrow(1, N, 2) == 7.0f).all().item<bool>()) << "tn wrote past column N";
      }
}

#endif  // __x86_64__

}  // namespace
}  // namespace moezoo::core
