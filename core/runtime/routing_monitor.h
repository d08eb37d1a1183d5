#pragma once
/// What the trainer watches in the MoE layers of a model (core/moe/routed_layer.h):
/// it resets their RoutingStats before each step, applies the auxiliary-loss-free
/// expert-bias update after each optimizer step, logs the step's balance metrics
/// (averaged over layers) and, per epoch, each layer's metrics and load, which the
/// run report draws as an expert-load heatmap (layer x expert).

#include <torch/nn/module.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace moezoo::core {
class RoutedLayer;
}

namespace moezoo::runtime {

/// The load of every MoE layer over one epoch.
struct EpochLoad {
  int64_t epoch = 0;                       ///< 1-based
  std::vector<std::vector<double>> load;   ///< [layers][E] kept assignments
};

class RoutingMonitor {
 public:
  /// Finds the MoE layers inside `module` (in named_modules() order); none is fine.
  explicit RoutingMonitor(torch::nn::Module& module);

  bool empty() const { return layers_.empty(); }
  /// Layer names as named_modules() gives them ("blocks.0.ffn"; "model" for the root).
  const std::vector<std::string>& layer_names() const { return names_; }

  /// Before the forward passes of a step: clears every layer's step statistics.
  void begin_step();
  /// After optimizer.step(): the expert-bias update of every layer that has one.
  void after_step();
  /// The step's statistics averaged over layers (NaNs skipped): "moe/cv",
  /// "moe/max_vio", "moe/entropy", "moe/dead_experts", "moe/dropped_fraction".
  std::map<std::string, double> step_metrics() const;
  /// Closes epoch `epoch` (1-based): returns "moe/<layer>/<metric>" over the epoch,
  /// keeps the epoch's load for the report, and clears the epoch statistics. An epoch
  /// in which no layer saw a token returns nothing and is not kept.
  std::map<std::string, double> end_epoch(int64_t epoch);

  /// The epochs closed so far, in order.
  const std::vector<EpochLoad>& epochs() const { return epochs_; }

  /// Writes `path` as CSV "epoch,layer,expert,load,share" (share = load / total of the
  /// layer's epoch), atomically.
  void write_load_csv(const std::filesystem::path& path) const;

 private:
  std::vector<core::RoutedLayer*> layers_;
  std::vector<std::string> names_;
  std::vector<EpochLoad> epochs_;
};

}  // namespace moezoo::runtime
