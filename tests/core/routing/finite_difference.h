#pragma once
/// Central finite differences against autograd, the reference for every router and
/// balancing-loss gradient (double precision, small shapes).

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace moezoo::testing {

/// max_i |autograd_i - fd_i| / max(max_i |fd_i|, 1e-3) over every entry of `params`,
/// where fd is the central difference of `loss` (a 0-d double tensor) with step h.
/// Central differences in double have an error of about h^2 |f'''| + 1e-16 |f| / h, so
/// with h = 1e-6 a correct gradient gives a value near 1e-9.
inline double max_relative_gradient_error(const std::function<at::Tensor()>& loss,
                                          const std::vector<at::Tensor>& params, double h = 1e-6) {
  for (const auto& p : params) {
    if (p.grad().defined()) p.mutable_grad() = at::Tensor();
  }
  loss().backward();
  std::vector<at::Tensor> analytic;
  for (const auto& p : params) {
    analytic.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
  }
  double max_diff = 0, max_fd = 0;
  torch::NoGradGuard no_grad;
  for (size_t n = 0; n < params.size(); ++n) {
    at::Tensor flat = params[n].detach().view({-1});
    const at::Tensor grad = analytic[n].view({-1});
    for (int64_t i = 0; i < flat.numel(); ++i) {
      const double original = flat[i].item<double>();
      flat[i].fill_(original + h);
      const double up = loss().item<double>();
      flat[i].fill_(original - h);
      const double down = loss().item<double>();
      flat[i].fill_(original);
      const double fd = (up - down) / (2 * h);
      max_fd = std::max(max_fd, std::abs(fd));
      max_diff = std::max(max_diff, std::abs(fd - grad[i].item<double>()));
    }
  }
  return max_diff / std::max(max_fd, 1e-3);
}

}  // namespace moezoo::testing
