#include "core/layers/mamba.h"

#include <torch/torch.h>

#include <cmath>

#include "core/layers/selective_scan.h"
#include "core/util/error.h"

namespace moezoo::core {

MambaImpl::MambaImpl(MambaOptions options) : options(std::move(options)) { reset(); }

int64_t MambaImpl::d_inner() const { return options.expand() * options.dim(); }

int64_t MambaImpl::dt_rank() const {
  return options.dt_rank() > 0 ? options.dt_rank() : (options.dim() + 15) / 16;
}

MambaImpl::Direction MambaImpl::make_direction(bool backward) {
  const std::string s = backward ? "_b" : "";
  const int64_t di = d_inner(), n = options.d_state(), r = dt_rank();
  Direction d;
  d.conv1d = register_module("conv1d" + s, torch::nn::Conv1d(torch::nn::Conv1dOptions(di, di, options.d_conv())
                                                                 .groups(di)
                                                                 .padding(options.d_conv() - 1)
                                                                 .bias(options.conv_bias())));
  d.x_proj = register_module("x_proj" + s, torch::nn::Linear(torch::nn::LinearOptions(di, r + 2 * n).bias(false)));
  d.dt_proj = register_module("dt_proj" + s, torch::nn::Linear(r, di));
  {
    torch::NoGradGuard no_grad;
    // dt_proj keeps the initial delta = softplus(W dt + b) near b's softplus: a small
    // weight, and b = softplus^{-1}(dt) with dt log-uniform in [dt_min, dt_max].
    const double std = std::pow(static_cast<double>(r), -0.5) * options.dt_scale();
    if (options.dt_init() == "constant") {
      d.dt_proj->weight.fill_(std);
    } else {
      d.dt_proj->weight.uniform_(-std, std);
    }
    const double lo = std::log(options.dt_min()), hi = std::log(options.dt_max());
    const at::Tensor dt = at::exp(torch::rand({di}) * (hi - lo) + lo).clamp_min(options.dt_init_floor());
    d.dt_proj->bias.copy_(dt + at::log(-at::expm1(-dt)));  // inverse of softplus
  }
  // S4D-real: A[d, n] = -(n + 1), stored as its log so that A stays negative.
  d.A_log = register_parameter(backward ? "A_b_log" : "A_log",
                               at::log(torch::arange(1, n + 1, torch::kFloat32)).repeat({di, 1}));
  d.D = register_parameter(backward ? "D_b" : "D", torch::ones({di}));
  return d;
}

void MambaImpl::reset() {
  const auto& o = options;
  check_input(o.dim() > 0, "MambaOptions.dim", "must be positive");
  check_input(o.d_state() > 0, "MambaOptions.d_state", "must be positive");
  check_input(o.d_conv() > 0, "MambaOptions.d_conv", "must be positive");
  check_input(o.expand() > 0, "MambaOptions.expand", "must be positive");
  check_input(o.dt_rank() >= 0, "MambaOptions.dt_rank", "must be >= 0 (0 means ceil(dim / 16))");
  check_input(o.dt_min() > 0.0 && o.dt_min() <= o.dt_max(), "MambaOptions.dt_min",
              "must satisfy 0 < dt_min <= dt_max");
  check_input(o.dt_init() == "random" || o.dt_init() == "constant", "MambaOptions.dt_init",
              "must be random or constant, got '" + o.dt_init() + "'");
  check_input(o.scan_chunk() >= 0, "MambaOptions.scan_chunk", "must be >= 0 (0 = automatic)");
  in_proj = register_module("in_proj",
                            torch::nn::Linear(torch::nn::LinearOptions(o.dim(), 2 * d_inner()).bias(o.bias())));
  forward_dir_ = make_direction(false);
  conv1d = forward_dir_.conv1d;
  x_proj = forward_dir_.x_proj;
  dt_proj = forward_dir_.dt_proj;
  A_log = forward_dir_.A_log;
  D = forward_dir_.D;
  if (o.bidirectional()) {
    backward_dir_ = make_direction(true);
    conv1d_b = backward_dir_.conv1d;
    x_proj_b = backward_dir_.x_proj;
    dt_proj_b = backward_dir_.dt_proj;
    A_b_log = backward_dir_.A_log;
    D_b = backward_dir_.D;
  }
  out_proj = register_module("out_proj",
                             torch::nn::Linear(torch::nn::LinearOptions(d_inner(), o.dim()).bias(o.bias())));
}

at::Tensor MambaImpl::scan(Direction& direction, const at::Tensor& u) {
  const int64_t length = u.size(1), n = options.d_state(), r = dt_rank();
  // Padding d_conv - 1 on both sides and keeping the first L outputs makes the conv causal.
  const at::Tensor conv = direction.conv1d->forward(u.transpose(1, 2)).narrow(2, 0, length);
  const at::Tensor uc = at::silu(conv).transpose(1, 2);  // [B, L, d_inner]
  const at::Tensor x_dbl = direction.x_proj->forward(uc);  // [B, L, r + 2N]
  const at::Tensor delta = at::softplus(direction.dt_proj->forward(x_dbl.narrow(-1, 0, r)));
  const at::Tensor b = x_dbl.narrow(-1, r, n), c = x_dbl.narrow(-1, r + n, n);
  const at::Tensor a = -at::exp(direction.A_log);
  return options.parallel_scan() ? selective_scan(uc, delta, a, b, c, direction.D, options.scan_chunk())
                                 : selective_scan_reference(uc, delta, a, b, c, direction.D);
}

at::Tensor MambaImpl::forward(const at::Tensor& x) {
  check_input(x.dim() == 3 && x.size(2) == options.dim() && x.size(1) > 0, "Mamba.forward",
              "x must be [B, L >= 1, " + std::to_string(options.dim()) + "], got " + c10::str(x.sizes()));
  const auto uz = in_proj->forward(x).chunk(2, -1);  // u, z: [B, L, d_inner]
  at::Tensor y = scan(forward_dir_, uz[0]);
  if (options.bidirectional()) y = 0.5 * (y + scan(backward_dir_, uz[0].flip(1)).flip(1));
  return out_proj->forward(y * at::silu(uz[1]));
}

void MambaImpl::pretty_print(std::ostream& stream) const {
  stream << "moezoo::core::Mamba(dim=" << options.dim() << ", d_inner=" << d_inner()
         << ", d_state=" << options.d_state() << ", d_conv=" << options.d_conv() << ", dt_rank=" << dt_rank()
         << ", bidirectional=" << (options.bidirectional() ? "true" : "false") << ")";
}

}  // namespace moezoo::core
