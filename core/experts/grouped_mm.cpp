#include "core/experts/grouped_mm.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/experts/parallel_tasks.h"
#include "core/experts/small_gemm.h"
#include "core/util/error.h"
#if MOEZOO_WITH_CUDA
#include "core/kernels/grouped_mm_cuda.h"
#endif

namespace moezoo::core {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Tile sizes of the tiled backend: fixed (never derived from the thread count)
// so that the bits of the result do not depend on it. 256 measured best of
// 64/128/256/512 on a 2-core AVX2 EPYC (tools/bench, d = 512, h = 1024): a
// single-threaded GEMM of 256 rows runs near its peak, and T = 4096 tokens still
// give dozens of tiles to balance.
constexpr int64_t kRowTile = 256;  // forward and dx: rows of one expert
constexpr int64_t kDwTile = 256;   // dw: rows of w[e] (the K dimension), when it is split
// dw[e] is split along K only when the backward would otherwise have fewer tiles than
// this (few experts): a split costs 8-10% of the dw matmuls' speed (K = 512 and 1024,
// 64 rows per expert, one thread), and with many experts the tiles balance without it.
constexpr int64_t kMinBackwardTiles = 64;

void check_offsets(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                   const std::vector<int64_t>& offsets) {
  const char* where = "grouped_mm";
  check_input(x.dim() == 2, where, "x must be [A, K]");
  check_input(w.dim() == 3 && w.size(1) == x.size(1), where,
              "w must be [E, K, N] with K = x.size(1) = " + std::to_string(x.size(1)));
  check_input(x.size(1) > 0, where, "x must have at least one column (K > 0)");
  check_input(static_cast<int64_t>(offsets.size()) == w.size(0) + 1, where,
              "offsets must hold E + 1 = " + std::to_string(w.size(0) + 1) + " entries");
  check_input(offsets.front() == 0 && offsets.back() == x.size(0), where,
              "offsets must run from 0 to A = " + std::to_string(x.size(0)));
  for (size_t e = 0; e + 1 < offsets.size(); ++e)
    check_input(offsets[e] <= offsets[e + 1], where, "offsets must be ascending");
  if (bias.defined())
    check_input(bias.dim() == 2 && bias.size(0) == w.size(0) && bias.size(1) == w.size(2), where,
                "bias must be [E, N]");
  check_input(x.scalar_type() == w.scalar_type() && (!bias.defined() || bias.scalar_type() == w.scalar_type()),
              where, "x, w and bias must share one dtype");
}

struct Tile {
  int64_t expert, begin, size;
};

/// Splits [offsets[e], offsets[e+1]) (or [0, extent) when extent > 0) into blocks of `tile`.
std::vector<Tile> make_tiles(const std::vector<int64_t>& offsets, int64_t tile, int64_t extent) {
  std::vector<Tile> tiles;
  for (size_t e = 0; e + 1 < offsets.size(); ++e) {
    const int64_t n = offsets[e + 1] - offsets[e];
    if (n == 0) continue;
    const int64_t lo = extent > 0 ? 0 : offsets[e], hi = extent > 0 ? extent : offsets[e + 1];
    for (int64_t b = lo; b < hi; b += tile) tiles.push_back({static_cast<int64_t>(e), b, std::min(tile, hi - b)});
  }
  return tiles;
}

/// How GroupedMmFunction runs its per-expert matmuls.
enum class Schedule : int64_t {
  kPerExpert = 0,   // one multi-threaded BLAS call per expert
  kBlasTiles = 1,   // fixed tiles in parallel, single-threaded BLAS in each
  kSmallGemm = 2,   // fixed tiles in parallel, core/experts/small_gemm.h in each (fp32, AVX2)
};

struct GroupedMmFunction : public torch::autograd::Function<GroupedMmFunction> {
  // bias is optional<Tensor> because autograd::Function records an undefined
  // Tensor argument as a variable and then fails on it.
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x_in, const at::Tensor& w_in,
                            const std::optional<at::Tensor>& bias_opt, std::vector<int64_t> offsets,
                            int64_t schedule_id) {
    const auto schedule = static_cast<Schedule>(schedule_id);
    const at::Tensor bias = bias_opt.has_value() ? bias_opt->contiguous() : at::Tensor();
    ctx->save_for_backward({x_in, w_in});  // inputs only: C++ Functions may not save intermediates
    const at::Tensor x = x_in.contiguous(), w = w_in.contiguous();
    ctx->saved_data["offsets"] = offsets;
    ctx->saved_data["schedule"] = schedule_id;
    ctx->saved_data["bias"] = bias.defined();
    const int64_t E = w.size(0), K = w.size(1), N = w.size(2);
    at::Tensor out = at::empty({x.size(0), N}, x.options());
    auto rows = [&](int64_t e, int64_t begin, int64_t size) {
      if (schedule == Schedule::kSmallGemm) {
        // Raw offsets, not w[e]: a tensor view per tile costs microseconds that add up.
        small_gemm_nn(size, N, K, x.data_ptr<float>() + begin * K, K, w.data_ptr<float>() + e * K * N, N,
                      bias.defined() ? bias.data_ptr<float>() + e * N : nullptr, out.data_ptr<float>() + begin * N,
                      N);
        return;
      }
      at::Tensor o = out.narrow(0, begin, size);
      if (bias.defined()) at::addmm_out(o, bias[e], x.narrow(0, begin, size), w[e]);
      else at::mm_out(o, x.narrow(0, begin, size), w[e]);
    };
    if (schedule != Schedule::kPerExpert) {
      const auto tiles = make_tiles(offsets, kRowTile, 0);
      run_parallel_tasks(static_cast<int64_t>(tiles.size()), [&](int64_t i) { rows(tiles[i].expert, tiles[i].begin, tiles[i].size); });
    } else {
      for (int64_t e = 0; e < E; ++e)
        if (offsets[e + 1] > offsets[e]) rows(e, offsets[e], offsets[e + 1] - offsets[e]);
    }
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    TORCH_CHECK(!at::GradMode::is_enabled(),
                "grouped_mm: the loop/tiled backends have first-order gradients only; use the 'reference' backend "
                "for double backward");
    const auto saved = ctx->get_saved_variables();
    const at::Tensor x = saved[0].contiguous(), w = saved[1].contiguous();
    const std::vector<int64_t> offsets = ctx->saved_data["offsets"].toIntVector();
    const auto schedule = static_cast<Schedule>(ctx->saved_data["schedule"].toInt());
    const bool has_bias = ctx->saved_data["bias"].toBool();
    const at::Tensor g = grads[0].contiguous();
    const int64_t E = w.size(0), K = w.size(1), N = w.size(2);
    const bool need_x = ctx->needs_input_grad(0), need_w = ctx->needs_input_grad(1);
    const bool need_b = has_bias && ctx->needs_input_grad(2);

    at::Tensor dx, dw, db;
    if (need_x) dx = at::empty_like(x);
    if (need_w) dw = at::empty_like(w);
    if (need_b) db = at::empty({E, N}, g.options());
    auto count = [&](int64_t e) { return offsets[e + 1] - offsets[e]; };
    auto dx_rows = [&](int64_t e, int64_t begin, int64_t size) {
      if (schedule == Schedule::kSmallGemm) {
        small_gemm_nt(size, K, N, g.data_ptr<float>() + begin * N, N, w.data_ptr<float>() + e * K * N, N,
                      dx.data_ptr<float>() + begin * K, K);
        return;
      }
      at::Tensor out = dx.narrow(0, begin, size);
      at::mm_out(out, g.narrow(0, begin, size), w[e].t());
    };
    // dw[e][k0:k0+kn] = x_e[:, k0:k0+kn]^T @ g_e; the bias gradient rides on the first block.
    auto dw_rows = [&](int64_t e, int64_t k0, int64_t kn) {
      if (schedule == Schedule::kSmallGemm) {
        const float* ge = g.data_ptr<float>() + offsets[e] * N;
        if (need_w)
          small_gemm_tn(kn, N, count(e), x.data_ptr<float>() + offsets[e] * K + k0, K, ge, N,
                        dw.data_ptr<float>() + (e * K + k0) * N, N);
        if (need_b && k0 == 0) {  // column sums of g_e, row by row (a fixed order)
          float* sum = db.data_ptr<float>() + e * N;
          std::fill(sum, sum + N, 0.0f);
          for (int64_t r = 0; r < count(e); ++r)
            for (int64_t n = 0; n < N; ++n) sum[n] += ge[r * N + n];
        }
        return;
      }
      const at::Tensor ge = g.narrow(0, offsets[e], count(e));
      if (need_w) {
        at::Tensor out = dw[e].narrow(0, k0, kn);
        at::mm_out(out, x.narrow(0, offsets[e], count(e)).narrow(1, k0, kn).t(), ge);
      }
      if (need_b && k0 == 0) {
        at::Tensor out = db[e];
        at::sum_out(out, ge, 0);
      }
    };
    if (schedule != Schedule::kPerExpert) {
      std::vector<Tile> tiles;
      if (need_x) tiles = make_tiles(offsets, kRowTile, 0);
      const size_t n_dx = tiles.size();
      if (need_w || need_b) {
        int64_t experts_with_rows = 0;
        for (int64_t e = 0; e < E; ++e) experts_with_rows += count(e) > 0;
        const bool split_k = need_w && static_cast<int64_t>(n_dx) + experts_with_rows < kMinBackwardTiles;
        const auto dw_tiles = make_tiles(offsets, split_k ? kDwTile : K, K);
        tiles.insert(tiles.end(), dw_tiles.begin(), dw_tiles.end());
      }
      run_parallel_tasks(static_cast<int64_t>(tiles.size()), [&](int64_t i) {
        const Tile& t = tiles[i];
        if (static_cast<size_t>(i) < n_dx) dx_rows(t.expert, t.begin, t.size);
        else dw_rows(t.expert, t.begin, t.size);
      });
    } else {
      for (int64_t e = 0; e < E; ++e) {
        if (count(e) == 0) continue;
        if (need_x) dx_rows(e, offsets[e], count(e));
        if (need_w || need_b) dw_rows(e, 0, K);
      }
    }
    // Experts without rows get zero gradients (their slices were never written).
    for (int64_t e = 0; e < E; ++e) {
      if (count(e) > 0) continue;
      if (need_w) dw[e].zero_();
      if (need_b) db[e].zero_();
    }
    return {dx, dw, db, at::Tensor(), at::Tensor()};
  }
};

at::Tensor grouped_mm_reference(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                                const std::vector<int64_t>& offsets) {
  // unbind, not w[e]: the backward of E selects would build E full-size zero gradients.
  const std::vector<at::Tensor> ws = w.unbind(0);
  const std::vector<at::Tensor> bs = bias.defined() ? bias.unbind(0) : std::vector<at::Tensor>();
  std::vector<at::Tensor> parts;
  for (int64_t e = 0; e < w.size(0); ++e) {
    const int64_t n = offsets[e + 1] - offsets[e];
    if (n == 0) continue;
    const at::Tensor xe = x.narrow(0, offsets[e], n);
    parts.push_back(bias.defined() ? at::addmm(bs[e], xe, ws[e]) : at::mm(xe, ws[e]));
  }
  if (parts.empty()) return at::zeros({0, w.size(2)}, x.options());
  return at::cat(parts, 0);
}

at::Tensor grouped_mm_aten(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                           const std::vector<int64_t>& offsets) {
  const int64_t E = w.size(0);
  std::vector<int32_t> ends(offsets.begin() + 1, offsets.end());
  const at::Tensor offs = at::tensor(ends, at::TensorOptions().dtype(at::kInt)).to(x.device());
  at::Tensor out = at::_grouped_mm(x, w, offs);
  if (bias.defined()) {
    const at::Tensor counts = at::tensor(std::vector<int64_t>(offsets.begin() + 1, offsets.end()), at::kLong) -
                              at::tensor(std::vector<int64_t>(offsets.begin(), offsets.end() - 1), at::kLong);
    const at::Tensor expert_of_row = at::repeat_interleave(at::arange(E, at::kLong), counts).to(x.device());
    out = out + bias.index_select(0, expert_of_row);
  }
  return out;
}

}  // namespace

GroupedMmBackend parse_grouped_mm_backend(const std::string& name, const std::string& key) {
  if (name == "auto") return GroupedMmBackend::kAuto;
  if (name == "loop") return GroupedMmBackend::kLoop;
  if (name == "tiled") return GroupedMmBackend::kTiled;
  if (name == "tiled_blas") return GroupedMmBackend::kTiledBlas;
  if (name == "aten") return GroupedMmBackend::kAten;
  if (name == "reference") return GroupedMmBackend::kReference;
  throw Error(key + ": unknown grouped matmul backend '" + name + "' (expected auto, loop, tiled, tiled_blas, aten or reference)");
}

GroupedMmBackend default_grouped_mm_backend(c10::Device device) {
  // The tiles only pay off when they really run in parallel (core/experts/parallel_tasks.h).
  if (device.is_cpu() && parallel_tasks_run_in_parallel()) return GroupedMmBackend::kTiled;
  return GroupedMmBackend::kLoop;
}

std::string to_string(GroupedMmBackend backend) {
  switch (backend) {
    case GroupedMmBackend::kAuto: return "auto";
    case GroupedMmBackend::kLoop: return "loop";
    case GroupedMmBackend::kTiled: return "tiled";
    case GroupedMmBackend::kTiledBlas: return "tiled_blas";
    case GroupedMmBackend::kAten: return "aten";
    case GroupedMmBackend::kReference: return "reference";
  }
  return "?";
}

at::Tensor grouped_mm(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias,
                      const std::vector<int64_t>& offsets, GroupedMmBackend backend) {
  check_offsets(x, w, bias, offsets);
  if (backend == GroupedMmBackend::kAuto) {
#if MOEZOO_WITH_CUDA
    // On a GPU the choice depends on dtype, architecture and alignment (core/kernels/grouped_mm_cuda.h).
    if (x.is_cuda()) backend = cuda_grouped_mm_backend(x, w);
    else
#endif
      backend = default_grouped_mm_backend(x.device());
  }
  if (backend == GroupedMmBackend::kAten &&
      !(x.scalar_type() == at::kFloat || x.scalar_type() == at::kBFloat16))
    backend = GroupedMmBackend::kLoop;
  const std::optional<at::Tensor> optional_bias = bias.defined() ? std::optional<at::Tensor>(bias) : std::nullopt;
  switch (backend) {
    case GroupedMmBackend::kReference: return grouped_mm_reference(x, w, bias, offsets);
    case GroupedMmBackend::kAten: return grouped_mm_aten(x, w, bias, offsets);
    case GroupedMmBackend::kTiled:
    case GroupedMmBackend::kTiledBlas:
      if (x.device().is_cpu()) {
        const bool small = backend == GroupedMmBackend::kTiled && x.scalar_type() == at::kFloat && small_gemm_available();
        const Schedule schedule = small ? Schedule::kSmallGemm : Schedule::kBlasTiles;
        return GroupedMmFunction::apply(x, w, optional_bias, offsets, static_cast<int64_t>(schedule));
      }
      [[fallthrough]];
    default:
      return GroupedMmFunction::apply(x, w, optional_bias, offsets, static_cast<int64_t>(Schedule::kPerExpert));
  }
}

}  // namespace moezoo::core
