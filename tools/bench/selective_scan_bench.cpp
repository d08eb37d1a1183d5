// Sequential vs parallel selective scan (Mamba's recurrence), forward and
// forward+backward, at the sizes M4Fuse's flattened 3D sequences use.
//
//   selective_scan_bench [--length 4096] [--d-inner 64] [--d-state 16] [--batch 1]
//                        [--repeats 5] [--device cpu|cuda] [--dtype float32|float64]
//                        [--chunks 0,256,1024,4096] [--threads N]
//
// --chunks lists the parallel variants by chunk length (0: selective_scan_auto_chunk).
// --threads sets ATen's intra-op threads (default: ATen's choice); on a machine whose
// cores are busy, 1 gives steadier numbers than spinning OpenMP threads.
// Prints a table of median times over --repeats runs (after one warm-up) and each
// variant's speed-up over the sequential loop, measured in the same run.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "core/layers/selective_scan.h"

namespace {

struct Args {
  int64_t length = 4096, d_inner = 64, d_state = 16, batch = 1, repeats = 5, threads = 0;
  std::string device = "cpu", dtype = "float32";
  std::vector<int64_t> chunks = {0, 256, 1024, 4096};
};

const char* const kUsage =
    "usage: selective_scan_bench [--length N] [--d-inner N] [--d-state N] [--batch N] [--repeats N]"
    " [--device cpu|cuda] [--dtype float32|float64] [--chunks 0,256,1024,4096] [--threads N]\n";

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "selective_scan_bench: " << problem << "\n" << kUsage;
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string key = argv[i];
    if (key == "--help" || key == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    static const std::vector<std::string> known = {"--length", "--d-inner", "--d-state", "--batch", "--repeats",
                                                   "--threads", "--device", "--dtype", "--chunks"};
    if (std::find(known.begin(), known.end(), key) == known.end()) usage("unknown option " + key);
    if (i + 1 >= argc) usage("missing value for " + key);
    const std::string value = argv[++i];
    auto number = [&](int64_t& out) {
      try {
        out = std::stoll(value);
      } catch (...) {
        usage(key + " expects an integer, got '" + value + "'");
      }
      if (out <= 0) usage(key + " must be positive");
    };
    if (key == "--length") number(a.length);
    else if (key == "--d-inner") number(a.d_inner);
    else if (key == "--d-state") number(a.d_state);
    else if (key == "--batch") number(a.batch);
    else if (key == "--repeats") number(a.repeats);
    else if (key == "--threads") number(a.threads);
    else if (key == "--device") a.device = value;
    else if (key == "--dtype") a.dtype = value;
    else if (key == "--chunks") {
      a.chunks.clear();
      size_t pos = 0;
      while (pos <= value.size()) {
        const size_t comma = std::min(value.find(',', pos), value.size());
        try {
          a.chunks.push_back(std::stoll(value.substr(pos, comma - pos)));
        } catch (...) {
          usage("--chunks expects comma-separated integers, got '" + value + "'");
        }
        if (a.chunks.back() < 0) usage("--chunks must be >= 0");
        pos = comma + 1;
      }
    }
    else usage("unknown option " + key);
  }
  if (a.device != "cpu" && a.device != "cuda") usage("--device must be cpu or cuda");
  if (a.device == "cuda" && !torch::cuda::is_available()) usage("--device cuda but no CUDA device is available");
  if (a.dtype != "float32" && a.dtype != "float64") usage("--dtype must be float32 or float64");
  return a;
}

// Median wall time in milliseconds of `fn`, after one warm-up call.
double median_ms(const std::function<void()>& fn, int64_t repeats, bool cuda) {
  auto sync = [&] {
    if (cuda) torch::cuda::synchronize();
  };
  fn();
  sync();
  std::vector<double> times;
  for (int64_t r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    sync();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  const bool cuda = args.device == "cuda";
  if (args.threads > 0) at::set_num_threads(static_cast<int>(args.threads));
  const auto options = torch::TensorOptions()
                           .dtype(args.dtype == "float64" ? torch::kFloat64 : torch::kFloat32)
                           .device(cuda ? torch::kCUDA : torch::kCPU);
  torch::manual_seed(0);
  // Mamba-like inputs: small positive steps, S4D-real A = -(n + 1).
  const at::Tensor x = torch::randn({args.batch, args.length, args.d_inner}, options);
  const at::Tensor delta = torch::softplus(torch::randn({args.batch, args.length, args.d_inner}, options) - 3.0);
  const at::Tensor A = -torch::arange(1, args.d_state + 1, options).repeat({args.d_inner, 1});
  const at::Tensor B = torch::randn({args.batch, args.length, args.d_state}, options);
  const at::Tensor C = torch::randn({args.batch, args.length, args.d_state}, options);
  const at::Tensor D = torch::ones({args.d_inner}, options);

  using Scan = std::function<at::Tensor(const std::vector<at::Tensor>&)>;
  struct Variant {
    std::string name;
    Scan scan;
  };
  std::vector<Variant> variants = {
      {"sequential (loop over t)",
       [](const std::vector<at::Tensor>& v) {
         return moezoo::core::selective_scan_reference(v[0], v[1], v[2], v[3], v[4], v[5]);
       }},
  };
  const int64_t auto_chunk = moezoo::core::selective_scan_auto_chunk(args.batch, args.length, args.d_inner,
                                                                     args.d_state, x.device().type());
  for (int64_t c : args.chunks) {
    const std::string label =
        c == 0 ? "parallel, auto chunk " + std::to_string(auto_chunk) : "parallel, chunk " + std::to_string(c);
    variants.push_back({label, [c](const std::vector<at::Tensor>& v) {
                          return moezoo::core::selective_scan(v[0], v[1], v[2], v[3], v[4], v[5], c);
                        }});
  }

  std::printf("selective scan: batch %lld, length %lld, d_inner %lld, d_state %lld, %s on %s (%d intra-op threads)\n",
              static_cast<long long>(args.batch), static_cast<long long>(args.length),
              static_cast<long long>(args.d_inner), static_cast<long long>(args.d_state), args.dtype.c_str(),
              args.device.c_str(), at::get_num_threads());
  std::printf("median of %lld runs after one warm-up\n\n", static_cast<long long>(args.repeats));
  std::printf("| %-28s | %12s | %9s | %16s | %9s | %13s |\n", "variant", "forward ms", "speed-up", "fwd+bwd ms",
              "speed-up", "max rel diff");
  std::printf("|%s|%s|%s|%s|%s|%s|\n", std::string(30, '-').c_str(), std::string(14, '-').c_str(),
              std::string(11, '-').c_str(), std::string(18, '-').c_str(), std::string(11, '-').c_str(),
              std::string(15, '-').c_str());

  const std::vector<at::Tensor> inputs = {x, delta, A, B, C, D};
  at::Tensor reference;
  double base_forward = 0.0, base_backward = 0.0;
  for (const auto& variant : variants) {
    at::Tensor y;
    const double forward = median_ms(
        [&] {
          torch::NoGradGuard no_grad;
          y = variant.scan(inputs);
        },
        args.repeats, cuda);
    const double backward = median_ms(
        [&] {
          std::vector<at::Tensor> leaves;
          for (const auto& t : inputs) leaves.push_back(t.detach().requires_grad_(true));
          variant.scan(leaves).sum().backward();
        },
        args.repeats, cuda);
    if (!reference.defined()) {
      reference = y;
      base_forward = forward;
      base_backward = backward;
    }
    const double diff = ((y - reference).abs().max() / reference.abs().max()).item<double>();
    std::printf("| %-28s | %12.2f | %8.1fx | %16.2f | %8.1fx | %13.2e |\n", variant.name.c_str(), forward,
                base_forward / forward, backward, base_backward / backward, diff);
  }
  return 0;
}
