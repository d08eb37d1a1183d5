#include "core/balancing/routing_stats.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/routing/scoring.h"
#include "core/util/error.h"

namespace moezoo::core {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double mean_of(const std::vector<double>& load) {
  return load.empty() ? 0.0 : std::accumulate(load.begin(), load.end(), 0.0) / static_cast<double>(load.size());
}
}  // namespace

double load_cv(const std::vector<double>& load) {
  const double mean = mean_of(load);
  if (!(mean > 0)) return kNaN;
  double squares = 0;
  for (double v : load) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(load.size())) / mean;
}

double load_max_violation(const std::vector<double>& load) {
  const double mean = mean_of(load);
  if (!(mean > 0)) return kNaN;
  return *std::max_element(load.begin(), load.end()) / mean - 1.0;
}

RoutingStats::RoutingStats(int64_t num_experts) : num_experts_(num_experts) {
  check_input(num_experts >= 1, "RoutingStats", "num_experts must be >= 1, got " + std::to_string(num_experts));
  reset_epoch();
}

void RoutingStats::Accumulator::clear(int64_t num_experts) {
  load.assign(static_cast<size_t>(num_experts), 0.0);
  tokens = entropy_sum = dropped = drop_base = 0;
}

void RoutingStats::Accumulator::add(const Accumulator& batch) {
  for (size_t i = 0; i < load.size(); ++i) load[i] += batch.load[i];
  tokens += batch.tokens;
  entropy_sum += batch.entropy_sum;
  dropped += batch.dropped;
  drop_base += batch.drop_base;
}

std::map<std::string, double> RoutingStats::Accumulator::metrics() const {
  const bool any = tokens > 0;
  const double dead = static_cast<double>(std::count(load.begin(), load.end(), 0.0));
  return {{"tokens", tokens},
          {"cv", any ? load_cv(load) : kNaN},
          {"max_vio", any ? load_max_violation(load) : kNaN},
          {"entropy", any ? entropy_sum / tokens : kNaN},
          {"dead_experts", any ? dead : kNaN},
          {"dropped_fraction", drop_base > 0 ? dropped / drop_base : kNaN}};
}

void RoutingStats::observe(const Routing& routing) {
  check_input(
      routing.num_experts == num_experts_, "RoutingStats.observe",
      "routing has " + std::to_string(routing.num_experts) + " experts, expected " + std::to_string(num_experts_));
  torch::NoGradGuard no_grad;
  const int64_t t = routing.num_tokens();
  Accumulator batch;
  batch.clear(num_experts_);
  batch.tokens = static_cast<double>(t);

  const at::Tensor load = routing.tokens_per_expert.detach().to(at::kCPU, at::kDouble).contiguous();
  std::copy(load.data_ptr<double>(), load.data_ptr<double>() + num_experts_, batch.load.begin());

  if (t > 0 && num_experts_ > 1) {
    const at::Tensor p = normalize_scores(routing.router_probs.detach().to(at::kDouble));
    batch.entropy_sum =
        (-at::special_xlogy(p, p).sum(-1) / std::log(static_cast<double>(num_experts_))).sum().item<double>();
  }
  if (routing.expert_choice) {
    batch.dropped = static_cast<double>((~routing.keep_mask.any(1)).sum().item<int64_t>());
    batch.drop_base = static_cast<double>(t);
  } else {
    batch.dropped = static_cast<double>((~routing.keep_mask).sum().item<int64_t>());
    batch.drop_base = static_cast<double>(routing.keep_mask.numel());
  }
  step_.add(batch);
  epoch_.add(batch);
}

void RoutingStats::reset_step() { step_.clear(num_experts_); }

void RoutingStats::reset_epoch() {
  epoch_.clear(num_experts_);
  step_.clear(num_experts_);
}

}  // namespace moezoo::core
