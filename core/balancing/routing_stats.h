#pragma once
/// Routing statistics of one MoE layer, accumulated over a training step and over an
/// epoch, for the logs and the expert-load heatmap:
///   load_i         kept assignments of expert i (Routing::tokens_per_expert)
///   cv             std(load) / mean(load), population std
///   max_vio        max(load) / mean(load) - 1 (MaxVio, Wang et al. 2024)
///   entropy        mean over tokens of -sum_e p log p / log E, p = normalised scores
///                  (1 = uniform routing probabilities, 0 = one expert; 0 when E = 1)
///   dead_experts   experts with zero load
///   dropped_fraction  token-choice: dropped slots / (T k);
///                  expert-choice: tokens no expert chose / T

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/routing/routing.h"

namespace moezoo::core {

/// std(load) / mean(load) (population std); NaN for an empty or all-zero load.
double load_cv(const std::vector<double>& load);
/// max(load) / mean(load) - 1; NaN for an empty or all-zero load.
double load_max_violation(const std::vector<double>& load);

class RoutingStats {
 public:
  explicit RoutingStats(int64_t num_experts);

  /// Adds a routing's statistics to the step and the epoch accumulators (one host sync).
  void observe(const Routing& routing);
  void reset_step();
  /// Clears the epoch and the step.
  void reset_epoch();

  /// {"tokens", "cv", "max_vio", "entropy", "dead_experts", "dropped_fraction"}; the
  /// ratios are NaN while nothing was observed.
  std::map<std::string, double> step_metrics() const { return step_.metrics(); }
  std::map<std::string, double> epoch_metrics() const { return epoch_.metrics(); }
  /// [E] load, a heatmap row.
  std::vector<double> step_load() const { return step_.load; }
  std::vector<double> epoch_load() const { return epoch_.load; }
  int64_t num_experts() const { return num_experts_; }

 private:
  struct Accumulator {
    std::vector<double> load;
    double tokens = 0, entropy_sum = 0, dropped = 0, drop_base = 0;
    void clear(int64_t num_experts);
    void add(const Accumulator& batch);
    std::map<std::string, double> metrics() const;
  };
  int64_t num_experts_;
  Accumulator step_, epoch_;
};

}  // namespace moezoo::core
