// Grouped matmul on CUDA (at::_grouped_mm and the per-expert cuBLAS loop) against the
// plain per-expert reference in float64 on the CPU, forward and every gradient, with
// empty experts and uneven loads; the kAuto choice; bitwise repeatability. Stated
// bounds (relative to the largest magnitude): 1e-5 in float32, 2e-2 in bfloat16
// (inputs and outputs rounded to bfloat16, float32 accumulation over K <= 96 terms).
// Skipped where no GPU is present.

#include <ATen/cuda/CUDAContext.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/experts/grouped_mm.h"
#include "core/kernels/grouped_mm_cuda.h"
#include "tests/core/kernels/kernel_test_util.h"

namespace moezoo::core {
namespace {

using moezoo::testing::bitwise_equal;
using moezoo::testing::rel_error;

double bound(at::ScalarType dtype) { return dtype == at::kBFloat16 ? 2e-2 : 1e-5; }

struct Problem {
  std::vector<int64_t> counts;  // rows per expert
  int64_t K, N;
  bool bias;
  std::vector<int64_t> offsets() const {
    std::vector<int64_t> o{0};
    for (int64_t c : counts) o.push_back(o.back() + c);
    return o;
  }
  std::string label() const {
    std::string s = "counts=";
    for (int64_t c : counts) s += std::to_string(c) + ",";
    return s + " K=" + std::to_string(K) + " N=" + std::to_string(N) + (bias ? " bias" : "");
  }
};

const Problem kProblems[] = {
    {{0, 5, 0, 17, 1, 0, 40, 3}, 64, 48, true},  // empty experts, uneven loads
    {{33, 0, 0, 7}, 96, 32, false},
    {{0, 0, 0}, 32, 16, true},                    // no rows at all
    {{128}, 16, 64, false},                       // one expert
    {{3, 9, 0, 11}, 24, 40, true},                // K, N multiples of 8 but not 16
    {{4, 6}, 12, 20, false},                      // rows not 16-byte aligned in bfloat16: never at::_grouped_mm
};

struct GmmRun {
  at::Tensor out, dx, dw, db;
};

GmmRun run(const Problem& p, const at::Tensor& x0, const at::Tensor& w0, const at::Tensor& b0, const at::Tensor& up,
        GroupedMmBackend backend) {
  const at::Tensor x = x0.clone().requires_grad_(true), w = w0.clone().requires_grad_(true);
  const at::Tensor b = b0.defined() ? b0.clone().requires_grad_(true) : at::Tensor();
  GmmRun r;
  r.out = grouped_mm(x, w, b, p.offsets(), backend);
  std::vector<at::Tensor> leaves{x, w};
  if (b.defined()) leaves.push_back(b);
  if (r.out.numel() > 0) {
    auto g = torch::autograd::grad({r.out}, leaves, {up}, false, false, /*allow_unused=*/true);
    r.dx = g[0].defined() ? g[0] : torch::zeros_like(x);
    r.dw = g[1].defined() ? g[1] : torch::zeros_like(w);
    if (b.defined()) r.db = g[2].defined() ? g[2] : torch::zeros_like(b);
  } else {
    r.dx = torch::zeros_like(x);
    r.dw = torch::zeros_like(w);
    if (b.defined()) r.db = torch::zeros_like(b);
  }
  r.out = r.out.detach();
  return r;
}

TEST(CudaGroupedMm, EveryBackendMatchesTheFloat64ReferenceForwardAndBackward) {
  MOEZOO_REQUIRE_CUDA();
  for (const at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
    for (const Problem& p : kProblems) {
      torch::manual_seed(3 + p.K);
      const int64_t A = p.offsets().back(), E = static_cast<int64_t>(p.counts.size());
      const auto o = torch::TensorOptions().dtype(dtype);
      const at::Tensor x = torch::randn({A, p.K}, o), w = torch::randn({E, p.K, p.N}, o) * 0.2;
      const at::Tensor b = p.bias ? torch::randn({E, p.N}, o) : at::Tensor();
      const at::Tensor up = torch::randn({A, p.N}, o);
      const auto d64 = [](const at::Tensor& t) { return t.defined() ? t.to(torch::kDouble) : t; };
      const GmmRun want = run(p, d64(x), d64(w), d64(b), d64(up), GroupedMmBackend::kReference);
      const auto cu = [](const at::Tensor& t) { return t.defined() ? t.cuda() : t; };
      for (const GroupedMmBackend backend : {GroupedMmBackend::kLoop, GroupedMmBackend::kAten, GroupedMmBackend::kAuto}) {
        if (backend == GroupedMmBackend::kAten && dtype == at::kBFloat16 && (p.K % 8 != 0 || p.N % 8 != 0))
          continue;  // explicit kAten on rows that are not 16-byte aligned: ATen refuses them (kAuto never picks it)
        const std::string label = p.label() + " " + to_string(backend) + " " + std::string(c10::toString(dtype));
        moezoo::testing::poison_cuda_cache();
        const GmmRun got = run(p, cu(x), cu(w), cu(b), cu(up), backend);
        ASSERT_EQ(got.out.sizes(), want.out.sizes()) << label;
        EXPECT_LT(rel_error(got.out.cpu(), want.out), bound(dtype)) << label << " out";
        EXPECT_LT(rel_error(got.dx.cpu(), want.dx), bound(dtype)) << label << " dx";
        EXPECT_LT(rel_error(got.dw.cpu(), want.dw), bound(dtype)) << label << " dw";
        if (p.bias) {
          EXPECT_LT(rel_error(got.db.cpu(), want.db), bound(dtype)) << label << " db";
        }
        // Experts without rows get exactly zero weight gradients (not asked of an explicit
        // kAten on Blackwell, where at::_grouped_mm gets it wrong: pytorch/pytorch#172439).
        const bool blackwell = at::cuda::getCurrentDeviceProperties()->major == 10;
        for (int64_t e = 0; e < E; ++e) {
          if (p.counts[e] == 0 && A > 0 && !(backend == GroupedMmBackend::kAten && blackwell)) {
            EXPECT_EQ(got.dw[e].abs().max().item<double>(), 0.0) << label << " dw of empty expert " << e;
          }
        }
        EXPECT_TRUE(moezoo::testing::all_finite(got.out) && moezoo::testing::all_finite(got.dx) &&
                    moezoo::testing::all_finite(got.dw))
            << label;
      }
    }
  }
}

TEST(CudaGroupedMm, AutoPicksAtenGroupedMmForAlignedBfloat16OnHopperOnly) {
  MOEZOO_REQUIRE_CUDA();
  const auto cuda = torch::TensorOptions().device(torch::kCUDA);
  const auto major = at::cuda::getCurrentDeviceProperties()->major;
  const at::Tensor x16 = torch::zeros({64, 128}, cuda.dtype(torch::kBFloat16));
  const at::Tensor w16 = torch::zeros({4, 128, 256}, cuda.dtype(torch::kBFloat16));
  EXPECT_EQ(aten_grouped_mm_is_fused(x16, w16), major == 9 || major == 10);
  EXPECT_EQ(cuda_grouped_mm_backend(x16, w16), major == 9 ? GroupedMmBackend::kAten : GroupedMmBackend::kLoop);
  EXPECT_EQ(cuda_grouped_mm_backend(x16.to(torch::kFloat), w16.to(torch::kFloat)), GroupedMmBackend::kLoop);
  const at::Tensor w_odd = torch::zeros({4, 128, 12}, cuda.dtype(torch::kBFloat16));
  EXPECT_EQ(cuda_grouped_mm_backend(x16, w_odd), GroupedMmBackend::kLoop) << "N = 12: rows of 24 bytes";
  EXPECT_EQ(cuda_grouped_mm_backend(x16.narrow(1, 1, 120), w16.narrow(1, 0, 120)), GroupedMmBackend::kLoop)
      << "x not 16-byte aligned";
}

TEST(CudaGroupedMm, BitwiseReproducible) {
  MOEZOO_REQUIRE_CUDA();
  const Problem p{{100, 0, 37, 300, 1, 64, 0, 9}, 128, 64, true};
  for (const at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
    torch::manual_seed(21);
    const int64_t A = p.offsets().back();
    const auto o = torch::TensorOptions().dtype(dtype).device(torch::kCUDA);
    const at::Tensor x = torch::randn({A, p.K}, o), w = torch::randn({8, p.K, p.N}, o), b = torch::randn({8, p.N}, o);
    const at::Tensor up = torch::randn({A, p.N}, o);
    for (const GroupedMmBackend backend : {GroupedMmBackend::kLoop, GroupedMmBackend::kAuto}) {
      const GmmRun a = run(p, x, w, b, up, backend), again = run(p, x, w, b, up, backend);
      EXPECT_TRUE(bitwise_equal(a.out, again.out) && bitwise_equal(a.dx, again.dx) && bitwise_equal(a.dw, again.dw) &&
                  bitwise_equal(a.db, again.db))
          << to_string(backend) << " " << c10::toString(dtype);
    }
  }
}

}  // namespace
}  // namespace moezoo::core
