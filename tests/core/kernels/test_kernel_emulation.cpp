// The device code of every kernel in core/kernels run on the CPU by the fiber emulator
// (kernel_emulator.h) with the launch geometry of the .cu launchers, against the same
// references as the GPU tests: the dispatch plan exactly, the row kernels, the fused
// router's indices exactly, and the selective scan forward and backward. This runs on
// every machine (no GPU needed) and catches index, warp-collective and shared-memory
// mistakes before a GPU sees the code; it cannot see what only hardware shows (memory
// ordering across blocks, alignment faults, speed). Bounds as in kernel_test_util.h.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/dispatch/dispatch_plan.h"
#include "core/layers/selective_scan.h"
#include "core/routing/topk_selection.h"
#include "tests/core/kernels/kernel_test_util.h"

// The emulator and the kernels last: the emulator defines threadIdx & co. as macros.
#include "tests/core/kernels/kernel_emulator.h"
// clang-format off
#include "core/kernels/fused_topk_kernel.cuh"
#include "core/kernels/permute_kernels.cuh"
#include "core/kernels/selective_scan_kernels.cuh"
// clang-format on

namespace moezoo::core {
namespace {

namespace k = kernels::emulated;
using emu::Dim3;
using moezoo::testing::cuda_tolerance;
using moezoo::testing::poisoned;
using moezoo::testing::rel_error;

unsigned u(int64_t v) { return static_cast<unsigned>(v); }

// ---- dispatch plan ------------------------------------------------------------------

struct PlanOut {
  at::Tensor token, slot, pos, offsets;
};

/// dispatch_plan_out's sequence (permute.cu) with the emulated kernels.
PlanOut emulated_plan(const at::Tensor& idx, const at::Tensor& keep, int64_t E) {
  const int64_t S = idx.numel(), k_ = idx.size(1);
  const auto opts = torch::TensorOptions().dtype(torch::kLong);
  PlanOut o{poisoned({S}, opts), poisoned({S}, opts), poisoned({idx.size(0), k_}, opts), poisoned({E + 2}, opts)};
  int64_t* offsets = o.offsets.data_ptr<int64_t>();
  offsets[E + 1] = 0;
  if (S == 0) {
    o.offsets.narrow(0, 0, E + 1).zero_();
    return o;
  }
  const int64_t tiles = k::plan_tiles(S);
  at::Tensor counts = poisoned({E * tiles}, opts);
  emu::launch(Dim3{u(tiles)}, Dim3{32}, E * sizeof(int), &k::plan_count_kernel, idx.data_ptr<int64_t>(),
              keep.data_ptr<bool>(), S, E, tiles, counts.data_ptr<int64_t>(), offsets + E + 1);
  const at::Tensor inclusive = counts.cumsum(0);
  emu::launch(Dim3{1}, Dim3{256}, 0, &k::plan_offsets_kernel, counts.data_ptr<int64_t>(),
              inclusive.data_ptr<int64_t>(), E, tiles, offsets);
  emu::launch(Dim3{u(tiles)}, Dim3{32}, E * sizeof(int64_t), &k::plan_scatter_kernel, idx.data_ptr<int64_t>(),
              keep.data_ptr<bool>(), S, k_, E, tiles, counts.data_ptr<int64_t>(), inclusive.data_ptr<int64_t>(),
              o.token.data_ptr<int64_t>(), o.slot.data_ptr<int64_t>(), o.pos.data_ptr<int64_t>(), offsets + E + 1);
  return o;
}

Routing plan_routing(int64_t T, int64_t k_, int64_t E, int64_t empty_tail, double drop, uint64_t seed) {
  torch::manual_seed(seed);
  at::Tensor idx = torch::randint(E - empty_tail, {T, k_}, torch::kLong);
  idx = torch::where(torch::rand({T, k_}) < 0.33, torch::zeros_like(idx), idx);
  Routing r;
  r.expert_indices = idx;
  r.keep_mask = torch::rand({T, k_}) >= drop;
  r.combine_weights = torch::rand({T, k_});
  r.num_experts = E;
  return r;
}

TEST(KernelEmulation, DispatchPlanEqualsTheCpuCountingSort) {
  struct Case {
    int64_t T, k, E, empty_tail;
    double drop;
  };
  // 1 slot, several tiles (1024 slots each) with a partial last one, empty experts,
  // drops, all dropped, no tokens, more experts than slots.
  for (const Case c : {Case{1, 1, 1, 0, 0.0}, Case{37, 2, 6, 2, 0.2}, Case{700, 3, 64, 5, 0.1},
                       Case{300, 8, 256, 17, 0.0}, Case{9, 2, 3, 0, 1.0}, Case{0, 2, 4, 0, 0.0},
                       Case{20, 2, 1000, 0, 0.0}}) {
    const Routing r = plan_routing(c.T, c.k, c.E, c.empty_tail, c.drop, 3 + c.T);
    const DispatchPlan want = make_dispatch_plan_cpu(r);
    const PlanOut got = emulated_plan(r.expert_indices, r.keep_mask, c.E);
    const int64_t A = want.num_rows();
    const std::string label = "T=" + std::to_string(c.T) + " k=" + std::to_string(c.k) + " E=" + std::to_string(c.E);
    EXPECT_TRUE(torch::equal(got.offsets.narrow(0, 0, c.E + 1), want.expert_offsets)) << label;
    EXPECT_EQ(got.offsets[c.E + 1].item<int64_t>(), 0) << label << " error flag";
    EXPECT_TRUE(torch::equal(got.token.narrow(0, 0, A), want.token_index)) << label;
    EXPECT_TRUE(torch::equal(got.slot.narrow(0, 0, A), want.slot_index)) << label;
    EXPECT_TRUE(torch::equal(got.pos, want.slot_position)) << label;
  }
  // A kept index out of range raises the flag; a dropped one does not.
  Routing r = plan_routing(50, 2, 4, 0, 0.0, 1);
  r.keep_mask.fill_(true);
  r.expert_indices[30][1] = 4;
  EXPECT_EQ(emulated_plan(r.expert_indices, r.keep_mask, 4).offsets[5].item<int64_t>(), 1);
  r.keep_mask[30][1] = false;
  EXPECT_EQ(emulated_plan(r.expert_indices, r.keep_mask, 4).offsets[5].item<int64_t>(), 0);
}

// ---- row kernels --------------------------------------------------------------------

template <typename scalar_t, int V>
void check_row_kernels(at::ScalarType dtype, int64_t D) {
  const Routing r = plan_routing(43, 3, 7, 2, 0.15, 77 + D);
  const DispatchPlan plan = make_dispatch_plan_cpu(r);
  const int64_t T = 43, kk = 3, A = plan.num_rows();
  const auto o = torch::TensorOptions().dtype(dtype);
  const at::Tensor x = torch::randn({T, D}, o), ys = torch::randn({A, D}, o), g = torch::randn({T, D}, o);
  const at::Tensor w = r.combine_weights.to(dtype), pos = plan.slot_position;
  const std::string label = std::string(c10::toString(dtype)) + " V=" + std::to_string(V) + " D=" + std::to_string(D);
  ASSERT_EQ(D % V, 0);

  at::Tensor gathered = poisoned({A, D}, o);
  emu::launch(Dim3{u(k::row_blocks(A))}, Dim3{256}, 0, &k::gather_rows_kernel<scalar_t, V>, x.data_ptr<scalar_t>(),
              plan.token_index.data_ptr<int64_t>(), A, D, gathered.data_ptr<scalar_t>());
  EXPECT_TRUE(torch::equal(gathered, x.index_select(0, plan.token_index))) << label << " gather";

  const at::Tensor kept = pos.ge(0);
  const at::Tensor rows64 = ys.to(torch::kDouble).index_select(0, pos.clamp_min(0).reshape({-1})).view({T, kk, D});
  at::Tensor out = poisoned({T, D}, o);
  emu::launch(Dim3{u(k::row_blocks(T))}, Dim3{256}, 0, &k::slot_sum_kernel<scalar_t, V, true>, ys.data_ptr<scalar_t>(),
              pos.data_ptr<int64_t>(), w.data_ptr<scalar_t>(), T, kk, D, out.data_ptr<scalar_t>());
  EXPECT_LT(rel_error(out, (rows64 * (w.to(torch::kDouble) * kept).unsqueeze(-1)).sum(1)), cuda_tolerance(dtype))
      << label << " combine";
  out = poisoned({T, D}, o);
  emu::launch(Dim3{u(k::row_blocks(T))}, Dim3{256}, 0, &k::slot_sum_kernel<scalar_t, V, false>,
              ys.data_ptr<scalar_t>(), pos.data_ptr<int64_t>(), static_cast<const scalar_t*>(nullptr), T, kk, D,
              out.data_ptr<scalar_t>());
  EXPECT_LT(rel_error(out, (rows64 * kept.unsqueeze(-1)).sum(1)), cuda_tolerance(dtype)) << label << " slot sum";

  at::Tensor grad_rows = poisoned({A, D}, o), grad_w = poisoned({T, kk}, o);
  emu::launch(Dim3{u(k::row_blocks(T))}, Dim3{256}, 0, &k::slot_scatter_dot_kernel<scalar_t, V>,
              g.data_ptr<scalar_t>(), ys.data_ptr<scalar_t>(), w.data_ptr<scalar_t>(), pos.data_ptr<int64_t>(), T, kk,
              D, grad_rows.data_ptr<scalar_t>(), grad_w.data_ptr<scalar_t>());
  const at::Tensor g64 = g.to(torch::kDouble);
  EXPECT_LT(rel_error(grad_w, (rows64 * g64.unsqueeze(1)).sum(-1) * kept), cuda_tolerance(dtype)) << label << " dw";
  const at::Tensor want_rows = g64.index_select(0, plan.token_index) *
                               w.to(torch::kDouble).reshape({-1}).index_select(0, plan.slot_index).unsqueeze(-1);
  EXPECT_LT(rel_error(grad_rows, want_rows), cuda_tolerance(dtype)) << label << " d rows";
}

TEST(KernelEmulation, RowKernelsPackedAndElementwise) {
  check_row_kernels<float, 4>(at::kFloat, 40);
  check_row_kernels<float, 1>(at::kFloat, 13);
  check_row_kernels<c10::BFloat16, 8>(at::kBFloat16, 72);
  check_row_kernels<c10::BFloat16, 1>(at::kBFloat16, 7);
  check_row_kernels<double, 2>(at::kDouble, 6);
}

// ---- fused router -------------------------------------------------------------------

template <typename scalar_t, int VPT>
void check_router(const TopKSelectionOptions& o, int64_t T, int64_t E, bool with_bias, at::ScalarType dtype) {
  torch::manual_seed(T + E);
  // Row-wise distinct multiples of 1/16: no ties, exact in bfloat16.
  const at::Tensor logits = ((std::get<1>(torch::rand({T, E}).sort(1)).to(torch::kFloat) - E / 2) * 0.0625).to(dtype);
  const at::Tensor bias = with_bias ? torch::rand({E}) * 0.05 : at::Tensor();
  const Routing want = select_topk_aten(logits, o, bias);
  k::KernelParams p{};
  p.k = static_cast<int>(o.k());
  p.n_group = static_cast<int>(o.n_group());
  p.topk_group = static_cast<int>(o.topk_group());
  p.sigmoid = o.scoring() == ScoreFunction::kSigmoid;
  p.normalize = o.normalize_weights();
  p.group_top2 = resolved_group_score(o) == GroupScore::kTop2Sum;
  p.scaling = static_cast<float>(o.routed_scaling_factor());
  const auto opts = torch::TensorOptions();
  at::Tensor idx = poisoned({T, o.k()}, opts.dtype(torch::kLong)), probs = poisoned({T, E}, opts.dtype(torch::kFloat));
  at::Tensor w = poisoned({T, o.k()}, opts.dtype(dtype)), hist = torch::zeros({E}, opts.dtype(torch::kLong));
  at::Tensor keep = torch::zeros({T, o.k()}, opts.dtype(torch::kBool));
  emu::launch(Dim3{u(k::topk_blocks(T))}, Dim3{k::kTokensPerBlock * 32}, k::topk_shared_bytes(E),
              &k::fused_topk_kernel<scalar_t, VPT>, logits.data_ptr<scalar_t>(),
              with_bias ? bias.data_ptr<float>() : nullptr, T, static_cast<int>(E), p, probs.data_ptr<float>(),
              idx.data_ptr<int64_t>(), w.data_ptr<scalar_t>(), keep.data_ptr<bool>(),
              reinterpret_cast<unsigned long long*>(hist.data_ptr<int64_t>()));
  const std::string label = "E=" + std::to_string(E) + " k=" + std::to_string(o.k()) + " groups " +
                            std::to_string(o.n_group()) + " " + std::string(c10::toString(dtype));
  EXPECT_TRUE(torch::equal(idx, want.expert_indices)) << label << " indices";
  EXPECT_TRUE(torch::equal(hist, torch::bincount(want.expert_indices.reshape({-1}), {}, E))) << label << " histogram";
  EXPECT_LT(rel_error(probs, want.router_probs), 1e-5) << label << " probs";
  EXPECT_LT(rel_error(w, want.combine_weights), cuda_tolerance(dtype)) << label << " weights";
  EXPECT_TRUE(keep.all().item<bool>()) << label << " keep mask";
}

TEST(KernelEmulation, FusedRouterMatchesTheAtenSelection) {
  using S = ScoreFunction;
  check_router<float, 1>(TopKSelectionOptions(2), 19, 8, false, at::kFloat);
  check_router<float, 2>(TopKSelectionOptions(3).normalize_weights(false), 11, 33, true, at::kFloat);
  check_router<float, 2>(TopKSelectionOptions(8).scoring(S::kSigmoid).n_group(8).topk_group(4).routed_scaling_factor(2.5),
                         9, 64, true, at::kFloat);
  check_router<c10::BFloat16, 4>(TopKSelectionOptions(1).normalize_weights(false), 10, 128, false, at::kBFloat16);
  check_router<float, 1>(TopKSelectionOptions(4).n_group(4).topk_group(2).group_score(GroupScore::kMax), 8, 16, true,
                         at::kFloat);
  check_router<c10::BFloat16, 8>(
      TopKSelectionOptions(8).scoring(S::kSigmoid).n_group(8).topk_group(4).routed_scaling_factor(2.5), 9, 256, true,
      at::kBFloat16);
  check_router<float, 8>(TopKSelectionOptions(8).n_group(32).topk_group(3).group_score(GroupScore::kTop2Sum), 5, 256,
                         false, at::kFloat);
  check_router<float, 1>(TopKSelectionOptions(1).scoring(S::kSigmoid), 3, 1, false, at::kFloat);
}

// ---- selective scan -----------------------------------------------------------------

template <int S>
void check_scan(int64_t Bt, int64_t L, int64_t d, int64_t N) {
  const std::string label = "Bt=" + std::to_string(Bt) + " L=" + std::to_string(L) + " d=" + std::to_string(d) +
                            " N=" + std::to_string(N);
  torch::manual_seed(L + N);
  const auto f64 = torch::TensorOptions().dtype(torch::kDouble);
  std::vector<at::Tensor> in = {torch::randn({Bt, L, d}, f64), torch::softplus(torch::randn({Bt, L, d}, f64) - 1.0),
                                -torch::exp(torch::rand({d, N}, f64) * 4.0 - 3.0), torch::randn({Bt, L, N}, f64),
                                torch::randn({Bt, L, N}, f64)};
  for (auto& t : in) t = t.to(torch::kFloat).to(torch::kDouble);
  std::vector<at::Tensor> leaves;
  for (const auto& t : in) leaves.push_back(t.clone().requires_grad_(true));
  const at::Tensor up = torch::randn({Bt, L, d}, f64).to(torch::kFloat).to(torch::kDouble);
  const at::Tensor want_y = selective_scan_reference(leaves[0], leaves[1], leaves[2], leaves[3], leaves[4]);
  const auto want = torch::autograd::grad({want_y}, leaves, {up}, false, false, true);

  std::vector<at::Tensor> f;
  for (const auto& t : in) f.push_back(t.to(torch::kFloat).contiguous());
  const int P = k::lanes_per_channel(N);
  ASSERT_EQ((N + P - 1) / P, S) << label;
  const int64_t chunks = kernels::selective_scan_num_chunks(L), groups = kernels::selective_scan_channel_groups(d, N);
  const k::ScanArgs args{L, d, N, chunks, P};
  const Dim3 grid{u(groups), u(Bt)};
  const auto fo = torch::TensorOptions().dtype(torch::kFloat);
  at::Tensor y = poisoned({Bt, L, d}, fo), ckpt = poisoned({Bt, chunks, d, N}, fo);
  emu::launch(grid, Dim3{k::kThreads}, 0, &k::scan_fwd_kernel<float, S>, f[0].data_ptr<float>(), f[1].data_ptr<float>(),
              f[2].data_ptr<float>(), f[3].data_ptr<float>(), f[4].data_ptr<float>(), args, y.data_ptr<float>(),
              ckpt.data_ptr<float>());
  EXPECT_LT(rel_error(y, want_y.detach()), 1e-5) << label << " y";

  at::Tensor dx = poisoned({Bt, L, d}, fo), ddelta = poisoned({Bt, L, d}, fo), dA = poisoned({Bt, d, N}, fo);
  at::Tensor dB = poisoned({Bt, groups, L, N}, fo), dC = poisoned({Bt, groups, L, N}, fo);
  const at::Tensor gy = up.to(torch::kFloat);
  emu::launch(grid, Dim3{k::kThreads}, k::scan_bwd_shared_bytes(P, N), &k::scan_bwd_kernel<float, S>,
              f[0].data_ptr<float>(), f[1].data_ptr<float>(), f[2].data_ptr<float>(), f[3].data_ptr<float>(),
              f[4].data_ptr<float>(), gy.data_ptr<float>(), ckpt.data_ptr<float>(), args, dx.data_ptr<float>(),
              ddelta.data_ptr<float>(), dA.data_ptr<float>(), dB.data_ptr<float>(), dC.data_ptr<float>());
  const std::vector<at::Tensor> got = {dx, ddelta, dA.sum(0), dB.sum(1), dC.sum(1)};
  const char* names[] = {"dx", "ddelta", "dA", "dB", "dC"};
  for (size_t i = 0; i < got.size(); ++i) {
    const at::Tensor w = want[i].defined() ? want[i] : torch::zeros_like(in[i]);
    EXPECT_LT(rel_error(got[i], w), 1e-5) << label << " " << names[i];
  }
}

TEST(KernelEmulation, SelectiveScanForwardAndBackwardMatchTheReference) {
  check_scan<1>(1, 1, 1, 1);
  check_scan<1>(2, 21, 3, 4);     // two chunks, the second partial; one channel group of 32
  check_scan<1>(1, 17, 9, 16);    // 8 channels per block: two groups, the second with one channel
  check_scan<2>(1, 16, 2, 33);    // two states per lane, most of the second lane's states unused
  check_scan<2>(2, 5, 5, 64);
}

// ---- the emulator itself -------------------------------------------------------------

void divergent_shuffle(float* out) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  if (lane < 16) out[lane] = __shfl_xor_sync(0xffffffffu, 1.0f, 1);  // half the warp: never completes
}

void uninitialised_shared(float* out) {
  MOEZOO_DYNAMIC_SHARED(float, smem);
  out[threadIdx.x] = smem[threadIdx.x];
}

TEST(KernelEmulation, EmulatorReportsDivergentCollectivesAndPoisonsSharedMemory) {
  at::Tensor out = torch::zeros({32});
  EXPECT_THROW(emu::launch(Dim3{1}, Dim3{32}, 0, &divergent_shuffle, out.data_ptr<float>()), std::runtime_error);
  emu::launch(Dim3{1}, Dim3{32}, 32 * sizeof(float), &uninitialised_shared, out.data_ptr<float>());
  EXPECT_TRUE(torch::isnan(out).all().item<bool>());
}

}  // namespace
}  // namespace moezoo::core
