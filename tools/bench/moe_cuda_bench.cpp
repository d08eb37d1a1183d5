// moezoo-bench-moe-cuda: the MoE core's CUDA kernels on one GPU, in bfloat16.
//
//   moezoo-bench-moe-cuda [--shapes 1,2] [--reps 30] [--warmup 5] [--grouped-mm auto|loop|aten]
//                         [--naive 1]
//
// Shapes (T tokens, d model width, h expert hidden, E experts, k per token; SwiGLU
// experts without biases, as DeepSeekMoE's):
//   1: T=16384, d=2048, h=1408, E=64, k=8     2: T=8192, d=1024, h=512, E=8, k=2
// Every time is the median of `reps` runs, each timed with CUDA events on the current
// stream after `warmup` untimed runs (host-side launch costs and the plan's device ->
// host copy included, as a training step sees them). Reported:
//   router    fused kernel alone (outputs preallocated), select_topk through it (no grad)
//             and select_topk_aten (the same function in ATen ops), in microseconds;
//   permute   the plan, dispatch (row gather) and combine (weighted slot sum) forward and
//             backward in GB/s (bytes read + written once), against the device-to-device
//             copy bandwidth measured here (Tensor::copy_ of the dispatched size);
//   layer     forward + backward of the whole MoE layer (router, dispatch, two grouped
//             matmuls, combine, input and weight gradients) in TFLOP/s of the expert
//             matmuls (18 A d h for SwiGLU, A = T k rows), against one dense bf16 GEMM
//             [A, d] x [d, h] and a dense SwiGLU FFN fwd+bwd on the same A rows, the plain
//             per-expert loop in ATen (index_select / index_add, as Hugging Face's
//             Mixtral block) and ATen ops with at::_grouped_mm alone (ATen router, sort
//             plan, index_select dispatch, _grouped_mm experts, ATen combine).
// --grouped-mm overrides the kAuto choice of the moezoo layer (both are also listed).

#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAEvent.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/dispatch/aten_dispatcher.h"
#include "core/kernels/cuda_dispatcher.h"
#include "core/kernels/fused_topk.h"
#include "core/kernels/grouped_mm_cuda.h"
#include "core/kernels/permute.h"
#include "core/moe/moe_layer.h"
#include "core/routing/topk_router.h"

using namespace moezoo::core;

namespace {

struct Shape {
  int64_t T, d, h, E, k;
};

struct Args {
  std::vector<int> shapes{1, 2};
  int reps = 30, warmup = 5;
  std::string grouped_mm = "auto";
  bool naive = true;
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string key = argv[i];
    if (key == "--help" || key == "-h") {
      std::cout << "usage: moezoo-bench-moe-cuda [--shapes 1,2] [--reps N] [--warmup N] "
                   "[--grouped-mm auto|loop|aten] [--naive 0|1]\n";
      std::exit(0);
    }
    if (i + 1 >= argc) throw std::runtime_error(key + ": missing value");
    const std::string v = argv[++i];
    if (key == "--shapes") {
      a.shapes.clear();
      std::stringstream ss(v);
      for (std::string item; std::getline(ss, item, ',');) a.shapes.push_back(std::stoi(item));
    } else if (key == "--reps") a.reps = std::stoi(v);
    else if (key == "--warmup") a.warmup = std::stoi(v);
    else if (key == "--grouped-mm") a.grouped_mm = v;
    else if (key == "--naive") a.naive = v != "0";
    else throw std::runtime_error("unknown option " + key + " (see --help)");
  }
  return a;
}

/// Median milliseconds of fn over `reps` runs timed with CUDA events, after `warmup` runs.
double time_ms(const std::function<void()>& fn, int warmup, int reps) {
  for (int i = 0; i < warmup; ++i) fn();
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    at::cuda::CUDAEvent start(cudaEventDefault), stop(cudaEventDefault);
    start.record();
    fn();
    stop.record();
    stop.synchronize();
    ms.push_back(start.elapsed_time(stop));
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

void row(const std::string& what, double ms, const std::string& unit, double value, const std::string& ratio) {
  if (unit.empty()) std::printf("  %-52s %10.1f us %18s %s\n", what.c_str(), ms * 1e3, "", ratio.c_str());
  else std::printf("  %-52s %10.1f us %10.1f %-7s %s\n", what.c_str(), ms * 1e3, value, unit.c_str(), ratio.c_str());
}

std::string ratio(const char* label, double r) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2fx %s", r, label);
  return buf;
}

at::Tensor swiglu(const at::Tensor& h, int64_t H) { return at::silu(h.narrow(1, 0, H)) * h.narrow(1, H, H); }

void bench_shape(const Shape& s, const Args& args) {
  const auto bf16 = torch::TensorOptions().dtype(torch::kBFloat16).device(torch::kCUDA);
  const int64_t A = s.T * s.k;
  std::printf("\nshape: T=%lld d=%lld h=%lld E=%lld k=%lld (A = T k = %lld rows), bfloat16\n",
              static_cast<long long>(s.T), static_cast<long long>(s.d), static_cast<long long>(s.h),
              static_cast<long long>(s.E), static_cast<long long>(s.k), static_cast<long long>(A));
  torch::manual_seed(0);

  // ---- router -------------------------------------------------------------------
  std::printf(" router (logits [T, E] -> indices, weights, probs, tokens per expert)\n");
  const at::Tensor logits = torch::randn({s.T, s.E}, bf16);
  for (const bool grouped : {false, true}) {
    if (grouped && s.E % 8 != 0) continue;
    TopKSelectionOptions o(s.k);
    if (grouped) o.scoring(ScoreFunction::kSigmoid).n_group(8).topk_group(4).routed_scaling_factor(2.5);
    const at::Tensor bias = grouped ? torch::rand({s.E}, bf16.dtype(torch::kFloat)) * 0.01 : at::Tensor();
    const std::string what = grouped ? "sigmoid, 8 groups / top 4, bias" : "softmax";
    kernels::FusedTopKParams p;
    p.k = s.k;
    p.sigmoid = grouped;
    p.n_group = grouped ? 8 : 1;
    p.topk_group = grouped ? 4 : 1;
    p.group_top2 = grouped;
    p.scaling = grouped ? 2.5 : 1.0;
    at::Tensor idx = torch::empty({s.T, s.k}, bf16.dtype(torch::kLong)), cnt = torch::empty({s.E}, bf16.dtype(torch::kLong));
    at::Tensor probs = torch::empty({s.T, s.E}, bf16.dtype(torch::kFloat)), w = torch::empty({s.T, s.k}, bf16);
    at::Tensor keep = torch::empty({s.T, s.k}, bf16.dtype(torch::kBool));
    torch::NoGradGuard no_grad;
    const double kernel = time_ms([&] { kernels::fused_topk_out(logits, bias, p, idx, cnt, probs, w, keep); },
                                  args.warmup, args.reps);
    const double fused = time_ms([&] { (void)select_topk(logits, o, bias); }, args.warmup, args.reps);
    const double aten = time_ms([&] { (void)select_topk_aten(logits, o, bias); }, args.warmup, args.reps);
    row("fused kernel alone, " + what, kernel, "", 0, "");
    row("select_topk (fused), " + what, fused, "", 0, ratio("faster than ATen", aten / fused));
    row("select_topk_aten, " + what, aten, "", 0, "");
  }

  // ---- permute / unpermute --------------------------------------------------------
  std::printf(" permute / unpermute (GB/s: bytes read + written once)\n");
  const at::Tensor x = torch::randn({s.T, s.d}, bf16);
  Routing routing;
  {
    torch::NoGradGuard no_grad;
    routing = select_topk(logits, TopKSelectionOptions(s.k));
  }
  CudaDispatcher cuda_dispatcher;
  AtenDispatcher aten_dispatcher;
  const DispatchPlan plan = cuda_dispatcher.plan(routing);
  const double e = 2.0;  // bytes per bfloat16
  const double rows_bytes = static_cast<double>(A) * s.d * e, tokens_bytes = static_cast<double>(s.T) * s.d * e;
  at::Tensor src = torch::randn({A, s.d}, bf16), dst = torch::empty({A, s.d}, bf16);
  const double copy = time_ms([&] { dst.copy_(src); }, args.warmup, args.reps);
  const double copy_gbs = 2 * rows_bytes / copy / 1e6;
  row("device-to-device copy (Tensor::copy_, A x d)", copy, "GB/s", copy_gbs, "");
  const auto gbs = [](double bytes, double ms) { return bytes / ms / 1e6; };
  const auto vs_copy = [&](double bytes, double ms) { return ratio("of copy", gbs(bytes, ms) / copy_gbs); };
  {
    torch::NoGradGuard no_grad;
    const double plan_ms = time_ms([&] { (void)cuda_dispatcher.plan(routing); }, args.warmup, args.reps);
    const double plan_aten = time_ms([&] { (void)make_dispatch_plan_aten(routing); }, args.warmup, args.reps);
    row("plan (counting sort + offsets to host)", plan_ms, "", 0, ratio("faster than ATen sort plan", plan_aten / plan_ms));
    at::Tensor xs = torch::empty({A, s.d}, bf16), out = torch::empty({s.T, s.d}, bf16);
    const at::Tensor w = routing.combine_weights.contiguous(), pos = plan.slot_position;
    const double gather = time_ms([&] { kernels::gather_rows_out(x, plan.token_index, xs); }, args.warmup, args.reps);
    row("dispatch: gather rows", gather, "GB/s", gbs(2 * rows_bytes, gather), vs_copy(2 * rows_bytes, gather));
    const double combine = time_ms([&] { kernels::slot_sum_out(xs, pos, w, out); }, args.warmup, args.reps);
    row("combine: weighted slot sum", combine, "GB/s", gbs(rows_bytes + tokens_bytes, combine),
        vs_copy(rows_bytes + tokens_bytes, combine));
    const double gather_bwd = time_ms([&] { kernels::slot_sum_out(xs, pos, at::Tensor(), out); }, args.warmup, args.reps);
    row("dispatch backward: slot sum", gather_bwd, "GB/s", gbs(rows_bytes + tokens_bytes, gather_bwd),
        vs_copy(rows_bytes + tokens_bytes, gather_bwd));
    at::Tensor grad_rows = torch::empty({A, s.d}, bf16), grad_w = torch::empty({s.T, s.k}, bf16);
    const double combine_bwd =
        time_ms([&] { kernels::slot_scatter_dot_out(out, xs, w, pos, &grad_rows, &grad_w); }, args.warmup, args.reps);
    row("combine backward: scaled rows + weight dots", combine_bwd, "GB/s",
        gbs(2 * rows_bytes + tokens_bytes, combine_bwd), vs_copy(2 * rows_bytes + tokens_bytes, combine_bwd));
    const DispatchPlan aplan = make_dispatch_plan_aten(routing);
    const double aten_gather = time_ms([&] { (void)aten_dispatcher.dispatch(x, aplan); }, args.warmup, args.reps);
    row("  ATen dispatch (index_select)", aten_gather, "GB/s", gbs(2 * rows_bytes, aten_gather), "");
    const double aten_combine =
        time_ms([&] { (void)aten_dispatcher.combine(xs, routing.combine_weights, aplan); }, args.warmup, args.reps);
    row("  ATen combine (index_select, multiply, sum)", aten_combine, "GB/s", gbs(rows_bytes + tokens_bytes, aten_combine),
        "");
  }

  // ---- MoE layer fwd + bwd ------------------------------------------------------------
  const double flops = 18.0 * A * s.d * s.h;  // SwiGLU experts: fwd 6 A d h, bwd twice that
  std::printf(" MoE layer forward + backward (TFLOP/s of the expert matmuls, %.2f TFLOP per step)\n", flops / 1e12);
  const at::Tensor g = torch::randn({s.T, s.d}, bf16);
  const at::Tensor dense_a = torch::randn({A, s.d}, bf16), dense_b = torch::randn({s.d, s.h}, bf16) * 0.02;
  const double gemm = time_ms([&] { (void)at::mm(dense_a, dense_b); }, args.warmup, args.reps);
  const double gemm_tflops = 2.0 * A * s.d * s.h / gemm / 1e9;
  row("one dense GEMM [A, d] x [d, h]", gemm, "TFLOP/s", gemm_tflops, "");
  const auto vs_gemm = [&](double ms) { return ratio("of dense GEMM", flops / ms / 1e9 / gemm_tflops); };
  {
    const at::Tensor xd = dense_a.clone().requires_grad_(true);
    const at::Tensor w1 = (torch::randn({s.d, 2 * s.h}, bf16) * 0.02).requires_grad_(true);
    const at::Tensor w2 = (torch::randn({s.h, s.d}, bf16) * 0.02).requires_grad_(true);
    const at::Tensor gd = torch::randn({A, s.d}, bf16);
    const double ffn = time_ms(
        [&] {
          for (const at::Tensor* t : {&xd, &w1, &w2}) t->mutable_grad() = at::Tensor();
          at::mm(swiglu(at::mm(xd, w1), s.h), w2).backward(gd);
        },
        args.warmup, args.reps);
    row("dense SwiGLU FFN on A rows, fwd+bwd", ffn, "TFLOP/s", flops / ffn / 1e9, vs_gemm(ffn));
  }

  const auto make_layer = [&](GroupedMmBackend gmm) {
    torch::manual_seed(1);
    MoELayerOptions o(s.d, s.h, s.E);
    o.expert_kind(ExpertKind::kSwiGlu).expert_bias(false).grouped_mm(gmm).track_stats(false);
    o.router(RouterOptions("topk", s.d, s.E).k(s.k));
    MoELayer layer(o);
    layer->to(torch::kCUDA, torch::kBFloat16);
    return layer;
  };
  const auto clear = [](torch::nn::Module& m, at::Tensor& x_leaf) {
    for (auto& p : m.parameters()) p.mutable_grad() = at::Tensor();
    x_leaf.mutable_grad() = at::Tensor();
  };
  at::Tensor x_leaf = x.clone().requires_grad_(true);
  double moezoo_ms = 0;
  const GroupedMmBackend chosen = args.grouped_mm == "auto" ? GroupedMmBackend::kAuto
                                                            : parse_grouped_mm_backend(args.grouped_mm, "--grouped-mm");
  std::vector<GroupedMmBackend> variants{chosen};
  for (const GroupedMmBackend v : {GroupedMmBackend::kLoop, GroupedMmBackend::kAten})
    if (v != chosen) variants.push_back(v);
  for (const GroupedMmBackend gmm : variants) {
    MoELayer layer = make_layer(gmm);
    auto& bank = dynamic_cast<ExpertBankImpl&>(layer->experts());
    std::string name = "moezoo MoELayer, grouped_mm=" + to_string(gmm);
    if (gmm == GroupedMmBackend::kAuto) {
      const at::Tensor probe = torch::empty({A, s.d}, bf16);
      name += " (-> " + to_string(cuda_grouped_mm_backend(probe, bank.w1)) + ")";
    }
    const double ms = time_ms(
        [&] {
          clear(*layer, x_leaf);
          (layer->forward(x_leaf, nullptr) * g).sum().backward();
        },
        args.warmup, args.reps);
    if (gmm == chosen) moezoo_ms = ms;
    row(name, ms, "TFLOP/s", flops / ms / 1e9, vs_gemm(ms));
  }

  MoELayer base = make_layer(GroupedMmBackend::kAten);
  auto& router = dynamic_cast<TopKRouterImpl&>(*base->router());
  auto& bank = dynamic_cast<ExpertBankImpl&>(base->experts());
  {
    const double ms = time_ms(
        [&] {
          clear(*base, x_leaf);
          const Routing r = select_topk_aten(router.logits(x_leaf), router.options.selection(), router.expert_bias);
          const DispatchPlan p = make_dispatch_plan_aten(r);
          const at::Tensor xs = aten_dispatcher.dispatch(x_leaf, p);
          const at::Tensor hs = grouped_mm(xs, bank.w1, {}, p.offsets, GroupedMmBackend::kAten);
          const at::Tensor ys = grouped_mm(swiglu(hs, s.h), bank.w2, {}, p.offsets, GroupedMmBackend::kAten);
          (aten_dispatcher.combine(ys, r.combine_weights, p) * g).sum().backward();
        },
        args.warmup, args.reps);
    row("ATen ops + at::_grouped_mm alone", ms, "TFLOP/s", flops / ms / 1e9,
        vs_gemm(ms) + ", moezoo " + ratio("faster", ms / moezoo_ms));
  }
  if (args.naive) {
    const std::vector<at::Tensor> w1 = bank.w1.unbind(0), w2 = bank.w2.unbind(0);
    const double ms = time_ms(
        [&] {
          clear(*base, x_leaf);
          const Routing r = select_topk_aten(router.logits(x_leaf), router.options.selection(), router.expert_bias);
          at::Tensor out = at::zeros_like(x_leaf);
          for (int64_t ex = 0; ex < s.E; ++ex) {
            const at::Tensor hit = r.expert_indices.eq(ex).nonzero();  // [n, 2]: (token, slot)
            if (hit.size(0) == 0) continue;
            const at::Tensor tok = hit.select(1, 0), slot = hit.select(1, 1);
            const at::Tensor cw = r.combine_weights.index({tok, slot}).unsqueeze(1);
            const at::Tensor y = at::mm(swiglu(at::mm(x_leaf.index_select(0, tok), w1[ex]), s.h), w2[ex]);
            out = out.index_add(0, tok, cw * y);
          }
          (out * g).sum().backward();
        },
        std::min(args.warmup, 2), std::max(3, args.reps / 3));
    row("plain per-expert loop in ATen (HF Mixtral style)", ms, "TFLOP/s", flops / ms / 1e9,
        vs_gemm(ms) + ", moezoo " + ratio("faster", ms / moezoo_ms));
  }
}

}  // namespace

int main(int argc, char** argv) try {
  const Args args = parse_args(argc, argv);
  if (!torch::cuda::is_available()) {
    std::printf("moezoo-bench-moe-cuda: no CUDA device; nothing to measure\n");
    return 0;
  }
  const cudaDeviceProp* prop = at::cuda::getCurrentDeviceProperties();
  std::printf("moezoo CUDA benchmark on %s (compute capability %d.%d, %d SMs), LibTorch %d.%d.%d\n", prop->name,
              prop->major, prop->minor, prop->multiProcessorCount, TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR,
              TORCH_VERSION_PATCH);
  std::printf("median of %d CUDA-event-timed runs after %d warm-up runs; us = microseconds per call\n", args.reps,
              args.warmup);
  const Shape shapes[] = {{16384, 2048, 1408, 64, 8}, {8192, 1024, 512, 8, 2}};
  for (int i : args.shapes) {
    if (i < 1 || i > 2) throw std::runtime_error("--shapes: 1 or 2, got " + std::to_string(i));
    bench_shape(shapes[i - 1], args);
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << "moezoo-bench-moe-cuda: " << e.what() << "\n";
  return 1;
}
