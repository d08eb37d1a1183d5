// moezoo-bench-moe: forward + backward throughput of the MoE layer against a
// dense FFN of the same active FLOPs and against naive loops, on the CPU.
//
//   moezoo-bench-moe [--tokens 4096] [--d 512] [--hidden 1024] [--experts 8,64]
//                    [--k 1,2] [--kind gelu_mlp|swiglu|low_rank] [--bias 1]
//                    [--reps 7] [--warmup 2] [--naive-reps 3] [--threads N]
//                    [--variants 1] [--clock wall|cpu] [--thp 1] [--keep-heap 1]
//                    [--profile PREFIX]
//   (--naive-reps 0 skips the naive loop; --thp, --keep-heap: see main; --profile writes, per
//   shape, a Chrome trace of 3 steps of the default moezoo layer to
//   PREFIX_E<E>_k<k>.json for chrome://tracing or tools/bench/profile_summary.py)
//
// Every implementation does the same step: out = f(x) (x requires grad), loss =
// <out, g> (+ the layer's auxiliary losses), backward, gradients set to none
// before the next step. Reported: the median of `reps` timed steps after
// `warmup` untimed ones (and the fastest step, in brackets), tokens/s = T / median,
// and ratios of medians measured in this run.
//   dense   : the expert MLP with hidden = k * h on every token (same active FLOPs)
//   naive   : a loop over experts with boolean masks, every expert on every token
//   indexed : a loop over experts gathering its tokens (index_select / index_add,
//             as Hugging Face's Mixtral block does)
//   moezoo  : MoELayer (top-k softmax router, dropless), default backends, and
//             with --variants each grouped-matmul and dispatch backend

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/moe/moe_layer.h"
#include "core/runtime/host_memory.h"

using namespace moezoo::core;

namespace {

struct Args {
  int64_t tokens = 4096, d = 512, hidden = 1024;
  std::vector<int64_t> experts{8, 64}, ks{1, 2};
  std::string kind = "gelu_mlp";
  bool bias = true;
  int reps = 7, warmup = 2, naive_reps = 3;
  int threads = 0;
  bool variants = true;
  bool cpu_clock = false;
  bool thp = true;
  bool keep_heap = true;  ///< runtime::keep_freed_host_memory, as the pipelines do
  std::string profile;  ///< trace file prefix; empty: no profile
};

std::vector<int64_t> parse_list(const std::string& s) {
  std::vector<int64_t> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) out.push_back(std::stoll(item));
  return out;
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string key = argv[i];
    if (key == "--help" || key == "-h") {
      std::cout << "usage: moezoo-bench-moe [--tokens N] [--d N] [--hidden N] [--experts 8,64] [--k 1,2]\n"
                   "                        [--kind gelu_mlp|swiglu|low_rank] [--bias 0|1] [--reps N] [--warmup N]\n"
                   "                        [--naive-reps N] [--threads N] [--variants 0|1] [--clock wall|cpu]\n"
                   "                        [--thp 0|1] [--keep-heap 0|1] [--profile PREFIX]\n";
      std::exit(0);
    }
    if (i + 1 >= argc) throw std::runtime_error(key + ": missing value");
    const std::string v = argv[++i];
    if (key == "--tokens") a.tokens = std::stoll(v);
    else if (key == "--d") a.d = std::stoll(v);
    else if (key == "--hidden") a.hidden = std::stoll(v);
    else if (key == "--experts") a.experts = parse_list(v);
    else if (key == "--k") a.ks = parse_list(v);
    else if (key == "--kind") a.kind = v;
    else if (key == "--bias") a.bias = v != "0";
    else if (key == "--reps") a.reps = std::stoi(v);
    else if (key == "--warmup") a.warmup = std::stoi(v);
    else if (key == "--naive-reps") a.naive_reps = std::stoi(v);
    else if (key == "--threads") a.threads = std::stoi(v);
    else if (key == "--variants") a.variants = v != "0";
    else if (key == "--clock") a.cpu_clock = v == "cpu";
    else if (key == "--thp") a.thp = v != "0";
    else if (key == "--profile") a.profile = v;
    else if (key == "--keep-heap") a.keep_heap = v != "0";
    else throw std::runtime_error("unknown option " + key + " (see --help)");
  }
  return a;
}

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

/// Seconds on the chosen clock: wall (steady_clock) or the process's CPU time,
/// which a loaded machine perturbs less for one thread (with several threads it
/// also counts OpenMP spin-waiting, so use it with --threads 1).
double now_seconds(bool cpu_clock) {
  if (cpu_clock) {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Candidate {
  std::string name;
  std::function<void()> step;
  int reps;  ///< timed repetitions (the naive loop gets fewer)
  std::vector<double> times;
  double median() const {
    if (times.empty()) return 0.0;
    std::vector<double> t = times;
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
  }
  double min() const { return times.empty() ? 0.0 : *std::min_element(times.begin(), times.end()); }
};

/// Warm-up, then timed rounds that visit every candidate in turn, so that a
/// change of machine load during the run hits all of them alike.
void run_interleaved(std::vector<Candidate>& cands, int warmup, bool cpu_clock) {
  int rounds = 0;
  for (auto& c : cands) {
    for (int i = 0; i < std::min(warmup, std::max(1, c.reps)); ++i) c.step();
    rounds = std::max(rounds, c.reps);
  }
  for (int r = 0; r < rounds; ++r)
    for (auto& c : cands) {
      if (r >= c.reps) continue;
      const double t0 = now_seconds(cpu_clock);
      c.step();
      c.times.push_back(now_seconds(cpu_clock) - t0);
    }
}

void clear_grads(torch::nn::Module& m, at::Tensor& x) {
  for (auto& p : m.parameters()) p.mutable_grad() = at::Tensor();
  x.mutable_grad() = at::Tensor();
}

/// The expert function of `bank` for expert e on rows x (fused ATen ops), with
/// the weights of expert e given as separate tensors: slicing the stacked [E, ...]
/// weights per expert (w[e]) would make autograd build a full-size zero gradient
/// for every slice, which would cost the loops E times the weight memory.
struct ExpertWeights {
  std::vector<at::Tensor> w1, b1, w2, b2;
  explicit ExpertWeights(ExpertBankImpl& bank)
      : w1(bank.w1.unbind(0)), w2(bank.w2.unbind(0)) {
    if (bank.b1.defined()) b1 = bank.b1.unbind(0);
    if (bank.b2.defined()) b2 = bank.b2.unbind(0);
  }
};

at::Tensor bank_expert(const ExpertBankImpl& bank, const ExpertWeights& w, int64_t e, const at::Tensor& x) {
  at::Tensor h = w.b1.empty() ? at::mm(x, w.w1[e]) : at::addmm(w.b1[e], x, w.w1[e]);
  const int64_t H = bank.options.hidden();
  switch (bank.options.kind()) {
    case ExpertKind::kGeluMlp: h = at::gelu(h); break;
    case ExpertKind::kSwiGlu: h = at::silu(h.narrow(1, 0, H)) * h.narrow(1, H, H); break;
    case ExpertKind::kLowRank: break;
  }
  return w.b2.empty() ? at::mm(h, w.w2[e]) : at::addmm(w.b2[e], h, w.w2[e]);
}

}  // namespace

int main(int argc, char** argv) try {
  const Args args = parse_args(argc, argv);
  // LibTorch reads THP_MEM_ALLOC_ENABLE once, at the first large allocation: with it,
  // buffers of 2 MiB and more get transparent huge pages. Fresh gradient buffers are
  // allocated every step (gradients set to none), and first-touching them page by
  // page costs ~85 ms per 128 MiB on this VM; the E = 64 banks have 128 MiB per
  // weight. Applies to every implementation alike; --thp 0 measures without.
  if (args.thp) setenv("THP_MEM_ALLOC_ENABLE", "1", /*overwrite=*/0);
  // The pipelines keep freed heap memory for reuse (core/runtime/host_memory.h), so
  // that fresh gradient buffers stop costing page faults after the first step;
  // --keep-heap 0 measures glibc's default (mmap and unmap per large block).
  const bool heap_kept = args.keep_heap && moezoo::runtime::keep_freed_host_memory();
  const int threads = args.threads > 0 ? args.threads : static_cast<int>(std::thread::hardware_concurrency());
  at::set_num_threads(threads);
  torch::manual_seed(0);
  const ExpertKind kind = parse_expert_kind(args.kind, "--kind");
  std::printf("moezoo MoE layer benchmark: forward + backward, T=%lld tokens, d=%lld, h=%lld, experts %s, bias %d\n",
              static_cast<long long>(args.tokens), static_cast<long long>(args.d), static_cast<long long>(args.hidden),
              args.kind.c_str(), args.bias ? 1 : 0);
  std::printf("threads %d (at::get_num_threads %d), hardware %u, median of %d reps after %d warm-up (naive: %d reps),\n"
              "implementations interleaved round by round, %s clock\n",
              threads, at::get_num_threads(), std::thread::hardware_concurrency(), args.reps, args.warmup,
              args.naive_reps, args.cpu_clock ? "process CPU" : "wall");
  const char* thp = std::getenv("THP_MEM_ALLOC_ENABLE");
  std::printf("THP_MEM_ALLOC_ENABLE=%s, freed heap kept %s; load average at start: %s\n\n", thp ? thp : "(unset)",
              heap_kept ? "yes" : "no", load_average().c_str());
  std::printf("%4s %2s  %-34s %10s %9s %12s %9s %9s\n", "E", "k", "implementation", "ms/step", "(min)", "tokens/s",
              "vs dense", "vs naive");

  const int64_t T = args.tokens, D = args.d, H = args.hidden;
  for (int64_t E : args.experts)
    for (int64_t k : args.ks) {
      const at::Tensor x0 = torch::randn({T, D});
      const at::Tensor g = torch::randn({T, D});
      std::vector<Candidate> cands;
      std::vector<std::shared_ptr<torch::nn::Module>> keep;  // modules the steps use

      auto make_layer = [&](GroupedMmBackend gmm, DispatchBackend dispatch) {
        torch::manual_seed(1);
        MoELayerOptions o(D, H, E);
        o.expert_kind(kind).expert_bias(args.bias).grouped_mm(gmm).dispatch(dispatch);
        o.router(RouterOptions("topk", D, E).k(k).normalize_weights(k > 1));
        o.balancer(BalancerOptions().switch_coef(1e-2).z_coef(1e-3));
        MoELayer layer(o);
        keep.push_back(layer.ptr());
        return layer.ptr();
      };
      auto input = [&] { return std::make_shared<at::Tensor>(x0.clone().requires_grad_(true)); };

      // Dense FFN with the same active FLOPs: one expert of hidden k * h on every token.
      {
        auto dense = ExpertBank(ExpertBankOptions(1, D, k * H).kind(kind).bias(args.bias)).ptr();
        keep.push_back(dense);
        auto x = input();
        cands.push_back({"dense FFN (hidden = k*h)", [dense, x, g] {
                           clear_grads(*dense, *x);
                           const ExpertWeights w(*dense);
                           (bank_expert(*dense, w, 0, *x) * g).sum().backward();
                         },
                         args.reps, {}});
      }
      // Loops over experts after the layer's own routing: `add_expert(out, bank, w, e, x,
      // routing)` adds expert e's contribution to out.
      using AddExpert = std::function<at::Tensor(const at::Tensor&, ExpertBankImpl&, const ExpertWeights&, int64_t,
                                                 const at::Tensor&, const Routing&)>;
      auto expert_loop = [&](const std::string& name, int reps, AddExpert add_expert) {
        auto layer = make_layer(GroupedMmBackend::kAuto, DispatchBackend::kAuto);
        auto x = input();
        cands.push_back({name, [layer, x, g, E, add_expert] {
                           clear_grads(*layer, *x);
                           auto& bank = dynamic_cast<ExpertBankImpl&>(layer->experts());
                           const ExpertWeights w(bank);
                           AuxLosses aux;
                           const Routing r = layer->router()->route(*x, {});
                           aux.merge(balancing_losses(r, layer->options().balancer()));
                           at::Tensor out = at::zeros_like(*x);
                           for (int64_t e = 0; e < E; ++e) out = add_expert(out, bank, w, e, *x, r);
                           ((out * g).sum() + aux.total()).backward();
                         },
                         reps, {}});
      };
      // Naive masked loop: every expert on every token, weighted by its mask.
      if (args.naive_reps > 0)
        expert_loop("naive masked loop", args.naive_reps,
                    [](const at::Tensor& out, ExpertBankImpl& bank, const ExpertWeights& w, int64_t e,
                       const at::Tensor& x, const Routing& r) {
                      const at::Tensor m =
                          (r.combine_weights * r.expert_indices.eq(e).logical_and(r.keep_mask)).sum(1, true);
                      return out + m * bank_expert(bank, w, e, x);
                    });
      // Indexed loop (Hugging Face Mixtral style): gather each expert's tokens.
      expert_loop("indexed loop (HF Mixtral style)", args.reps,
                  [](const at::Tensor& out, ExpertBankImpl& bank, const ExpertWeights& w, int64_t e,
                     const at::Tensor& x, const Routing& r) {
                    const at::Tensor kept = r.expert_indices.masked_fill(r.keep_mask.logical_not(), -1);
                    const at::Tensor hit = kept.eq(e).nonzero();  // [n, 2]: (token, slot)
                    if (hit.size(0) == 0) return out;
                    const at::Tensor tok = hit.select(1, 0), slot = hit.select(1, 1);
                    const at::Tensor cw = r.combine_weights.index({tok, slot}).unsqueeze(1);
                    return out.index_add(0, tok, cw * bank_expert(bank, w, e, x.index_select(0, tok)));
                  });
      auto layer_candidate = [&](const std::string& name, GroupedMmBackend gmm, DispatchBackend dispatch) {
        auto layer = make_layer(gmm, dispatch);
        auto x = input();
        cands.push_back({name, [layer, x, g] {
                           clear_grads(*layer, *x);
                           AuxLosses aux;
                           const at::Tensor out = layer->forward(*x, &aux);
                           ((out * g).sum() + aux.total()).backward();
                         },
                         args.reps, {}});
      };
      const GroupedMmBackend auto_gmm = default_grouped_mm_backend(torch::kCPU);
      layer_candidate("moezoo MoELayer (auto: " + to_string(auto_gmm) + ")", GroupedMmBackend::kAuto,
                      DispatchBackend::kAuto);
      if (args.variants) {
        for (auto gmm : {GroupedMmBackend::kLoop, GroupedMmBackend::kTiled, GroupedMmBackend::kTiledBlas, GroupedMmBackend::kAten,
                         GroupedMmBackend::kReference})
          if (gmm != auto_gmm)
            layer_candidate("moezoo grouped_mm=" + to_string(gmm), gmm, DispatchBackend::kAuto);
        layer_candidate("moezoo dispatch=aten", GroupedMmBackend::kAuto, DispatchBackend::kAten);
      }

      run_interleaved(cands, args.warmup, args.cpu_clock);
      if (!args.profile.empty()) {
        const size_t moezoo = args.naive_reps > 0 ? 3 : 2;  // after dense, [naive,] indexed
        const std::string file = args.profile + "_E" + std::to_string(E) + "_k" + std::to_string(k) + ".json";
        {
          torch::autograd::profiler::RecordProfile guard(file);
          for (int i = 0; i < 3; ++i) cands[moezoo].step();
        }
        std::printf("profile of 3 steps of '%s': %s\n", cands[moezoo].name.c_str(), file.c_str());
      }
      const double dense = cands[0].median();
      const double naive = args.naive_reps > 0 ? cands[1].median() : 0.0;
      for (const auto& c : cands) {
        const double t = c.median();
        std::printf("%4lld %2lld  %-34s %10.1f %9.1f %12.0f %8.2fx", static_cast<long long>(E),
                    static_cast<long long>(k), c.name.c_str(), 1e3 * t, 1e3 * c.min(), T / t, dense / t);
        if (naive > 0) std::printf(" %8.2fx\n", naive / t);
        else std::printf(" %9s\n", "-");
      }
      std::printf("\n");
      std::fflush(stdout);
    }
  std::printf("load average at end: %s\n", load_average().c_str());
  return 0;
} catch (const std::exception& e) {
  std::cerr << "moezoo-bench-moe: " << e.what() << "\n";
  return 1;
}
