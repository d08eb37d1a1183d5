// The CUDA selective scan against the sequential reference (selective_scan_reference)
// in float64 on the CPU, forward and the gradient of every input (x, delta, A, B, C,
// D), in float32 and bfloat16, for lengths that are and are not multiples of the
// chunk, one or several channel groups, N from 1 to 64; the kernels' outputs poisoned
// first; bitwise repeatability; huge decays. Bounds: kernel_test_util.h (1e-5
// float32, 1e-2 bfloat16, relative to the largest magnitude). Skipped without a GPU.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/kernels/selective_scan_cuda.h"
#include "core/layers/selective_scan.h"
#include "tests/core/kernels/kernel_test_util.h"

namespace moezoo::core {
namespace {

using moezoo::testing::bitwise_equal;
using moezoo::testing::cuda_tolerance;
using moezoo::testing::poisoned;
using moezoo::testing::rel_error;

struct ScanShape {
  int64_t Bt, L, d, N;
  std::string label() const {
    return "Bt=" + std::to_string(Bt) + " L=" + std::to_string(L) + " d=" + std::to_string(d) +
           " N=" + std::to_string(N);
  }
};

const ScanShape kShapes[] = {
    {1, 1, 1, 1},     {2, 17, 3, 4},   {2, 64, 8, 16}, {3, 100, 40, 16}, {1, 129, 5, 33},
    {2, 33, 7, 64},   {1, 300, 130, 16}, {1, 40, 200, 2}, {2, 0, 3, 4},
};

const char* const kNames[] = {"x", "delta", "A", "B", "C", "D"};

/// Mamba-like inputs in float64 on the CPU: delta = softplus(.) > 0, A = -exp(.) in
/// [-2.7, -0.05], then rounded to `dtype` (and back to float64 for the reference).
std::vector<at::Tensor> make_inputs(const ScanShape& s, at::ScalarType dtype, uint64_t seed) {
  torch::manual_seed(seed);
  const auto o = torch::TensorOptions().dtype(torch::kDouble);
  std::vector<at::Tensor> v = {torch::randn({s.Bt, s.L, s.d}, o),
                               torch::softplus(torch::randn({s.Bt, s.L, s.d}, o) - 1.0),
                               -torch::exp(torch::rand({s.d, s.N}, o) * 4.0 - 3.0),
                               torch::randn({s.Bt, s.L, s.N}, o),
                               torch::randn({s.Bt, s.L, s.N}, o),
                               torch::randn({s.d}, o)};
  for (auto& t : v) t = t.to(dtype).to(torch::kDouble);
  return v;
}

struct Result {
  at::Tensor y;
  std::vector<at::Tensor> grads;
};

/// y and d<sum(y * up)>/d(every input), with the inputs cast to `dtype` on `device`.
Result run(const std::vector<at::Tensor>& in, const at::Tensor& up, at::ScalarType dtype, torch::Device device,
           bool reference) {
  std::vector<at::Tensor> v;
  for (const auto& t : in) v.push_back(t.to(device, dtype).detach().requires_grad_(true));
  Result r;
  r.y = reference ? selective_scan_reference(v[0], v[1], v[2], v[3], v[4], v[5])
                  : selective_scan(v[0], v[1], v[2], v[3], v[4], v[5]);
  if (r.y.numel() > 0) {
    auto g = torch::autograd::grad({r.y}, v, {up.to(device, dtype)}, false, false, /*allow_unused=*/true);
    for (size_t i = 0; i < g.size(); ++i) r.grads.push_back(g[i].defined() ? g[i] : torch::zeros_like(v[i]));
  } else {
    for (const auto& t : v) r.grads.push_back(torch::zeros_like(t));
  }
  r.y = r.y.detach();
  return r;
}

TEST(CudaSelectiveScan, MatchesTheSequentialReferenceForwardAndEveryGradient) {
  MOEZOO_REQUIRE_CUDA();
  for (const at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
    for (const ScanShape& s : kShapes) {
      const std::string label = s.label() + " " + std::string(c10::toString(dtype));
      const auto in = make_inputs(s, dtype, 50 + s.L + s.N);
      const at::Tensor up = torch::randn({s.Bt, s.L, s.d}, torch::kDouble).to(dtype).to(torch::kDouble);
      ASSERT_TRUE(kernels::selective_scan_cuda_supported(in[0].to(torch::kCUDA, dtype), in[1].to(torch::kCUDA, dtype),
                                                         in[2].to(torch::kCUDA, dtype), in[3].to(torch::kCUDA, dtype),
                                                         in[4].to(torch::kCUDA, dtype)))
          << label;
      const Result want = run(in, up, torch::kDouble, torch::kCPU, /*reference=*/true);
      moezoo::testing::poison_cuda_cache();
      const Result got = run(in, up, dtype, torch::kCUDA, /*reference=*/false);
      const double tol = cuda_tolerance(dtype);
      EXPECT_LT(rel_error(got.y.cpu(), want.y), tol) << label << " y";
      EXPECT_TRUE(moezoo::testing::all_finite(got.y)) << label;
      for (size_t i = 0; i < got.grads.size(); ++i) {
        EXPECT_LT(rel_error(got.grads[i].cpu(), want.grads[i]), tol) << label << " d" << kNames[i];
        EXPECT_TRUE(moezoo::testing::all_finite(got.grads[i])) << label << " d" << kNames[i];
      }
    }
  }
}

TEST(CudaSelectiveScan, KernelsWriteEveryOutputOfPoisonedBuffers) {
  MOEZOO_REQUIRE_CUDA();
  for (const ScanShape& s : kShapes) {
    const std::string label = s.label();
    const auto in = make_inputs(s, at::kFloat, 7 + s.L);
    const at::Tensor up = torch::randn({s.Bt, s.L, s.d}, torch::kDouble);
    // The reference without the skip term, which the kernels leave to ATen.
    std::vector<at::Tensor> in_no_d(in.begin(), in.begin() + 5);
    in_no_d.push_back(torch::zeros({s.d}, torch::kDouble));
    const Result want = run(in_no_d, up, torch::kDouble, torch::kCPU, true);

    const auto f = torch::TensorOptions().dtype(torch::kFloat).device(torch::kCUDA);
    std::vector<at::Tensor> g;
    for (int i = 0; i < 5; ++i) g.push_back(in[i].to(torch::kCUDA, torch::kFloat).contiguous());
    const int64_t chunks = kernels::selective_scan_num_chunks(s.L);
    const int64_t groups = kernels::selective_scan_channel_groups(s.d, s.N);
    at::Tensor y = poisoned({s.Bt, s.L, s.d}, f), ckpt = poisoned({s.Bt, chunks, s.d, s.N}, f);
    kernels::selective_scan_fwd_out(g[0], g[1], g[2], g[3], g[4], y, ckpt);
    EXPECT_LT(rel_error(y.cpu(), want.y), 1e-5) << label << " y";
    EXPECT_TRUE(moezoo::testing::all_finite(ckpt)) << label << " checkpoints";
    if (chunks > 0) {
      EXPECT_EQ(ckpt.select(1, 0).abs().max().item<double>(), 0.0) << label << " h before t = 0";
    }

    at::Tensor dx = poisoned({s.Bt, s.L, s.d}, f), ddelta = poisoned({s.Bt, s.L, s.d}, f);
    at::Tensor dA = poisoned({s.Bt, s.d, s.N}, f), dB = poisoned({s.Bt, groups, s.L, s.N}, f);
    at::Tensor dC = poisoned({s.Bt, groups, s.L, s.N}, f);
    kernels::selective_scan_bwd_out(g[0], g[1], g[2], g[3], g[4], up.to(torch::kCUDA, torch::kFloat), ckpt, dx, ddelta,
                                    dA, dB, dC);
    const std::vector<at::Tensor> got = {dx, ddelta, dA.sum(0), dB.sum(1), dC.sum(1)};
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_TRUE(moezoo::testing::all_finite(got[i])) << label << " d" << kNames[i];
      EXPECT_LT(rel_error(got[i].cpu(), want.grads[i]), 1e-5) << label << " d" << kNames[i];
    }
  }
}

TEST(CudaSelectiveScan, BitwiseReproducibleAndIndependentOfChunkSize) {
  MOEZOO_REQUIRE_CUDA();
  const ScanShape s{2, 200, 48, 16};
  const auto in = make_inputs(s, at::kFloat, 99);
  const at::Tensor up = torch::randn({s.Bt, s.L, s.d}, torch::kDouble);
  const Result a = run(in, up, at::kFloat, torch::kCUDA, false);
  const Result b = run(in, up, at::kFloat, torch::kCUDA, false);
  EXPECT_TRUE(bitwise_equal(a.y, b.y));
  for (size_t i = 0; i < a.grads.size(); ++i) EXPECT_TRUE(bitwise_equal(a.grads[i], b.grads[i])) << kNames[i];
  std::vector<at::Tensor> v;
  for (const auto& t : in) v.push_back(t.to(torch::kCUDA, torch::kFloat));
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(bitwise_equal(selective_scan(v[0], v[1], v[2], v[3], v[4], v[5], 7), a.y)) << "chunk_size is unused";
}

TEST(CudaSelectiveScan, StableForHugeDecaysAndFallsBackForFloat64) {
  MOEZOO_REQUIRE_CUDA();
  const ScanShape s{1, 50, 3, 4};
  auto in = make_inputs(s, at::kFloat, 7);
  in[1] = in[1] * 500.0;  // delta A down to about -4e3: the decays underflow to 0, never overflow
  in[2] = in[2] * 20.0;
  const at::Tensor up = torch::randn({s.Bt, s.L, s.d}, torch::kDouble);
  const Result want = run(in, up, torch::kDouble, torch::kCPU, true);
  const Result got = run(in, up, at::kFloat, torch::kCUDA, false);
  EXPECT_LT(rel_error(got.y.cpu(), want.y), 1e-5);
  for (size_t i = 0; i < got.grads.size(); ++i) {
    EXPECT_TRUE(moezoo::testing::all_finite(got.grads[i])) << kNames[i];
    EXPECT_LT(rel_error(got.grads[i].cpu(), want.grads[i]), 1e-5) << kNames[i];
  }
  // float64 and N > 64 take the ATen parallel scan on the GPU.
  const auto cu = [](const at::Tensor& t) { return t.to(torch::kCUDA); };
  EXPECT_FALSE(kernels::selective_scan_cuda_supported(cu(in[0]), cu(in[1]), cu(in[2]), cu(in[3]), cu(in[4])));
  const Result f64 = run(in, up, torch::kDouble, torch::kCUDA, false);
  EXPECT_LT(rel_error(f64.y.cpu(), want.y), 1e-10);
}

}  // namespace
}  // namespace moezoo::core
