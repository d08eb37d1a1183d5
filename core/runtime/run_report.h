#pragma once
/// report.md of a run: summary facts, best and final metrics, and PNG plots of
/// the training curves (loss and auxiliary losses, learning rate, validation metrics)
/// and, for models with MoE layers, of the load balance (CV and MaxVio over steps, the
/// expert-load heatmap).

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/runtime/metrics_table.h"

namespace moezoo::runtime {

struct RunSummary {
  std::string title;
  std::vector<std::pair<std::string, std::string>> facts;  ///< shown as a two-column table
  std::map<std::string, double> best_metrics;
  std::map<std::string, double> last_metrics;
  /// Expert load of epoch `load_epoch` per MoE layer ([layers][E]; empty: no MoE
  /// layer), drawn as a heatmap of each expert's load over the layer's mean.
  std::vector<std::string> load_layers;
  std::vector<std::vector<double>> expert_load;
  int64_t load_epoch = 0;
};

/// Writes run_dir/report.md and run_dir/plots/*.png (atomically).
void write_run_report(const std::filesystem::path& run_dir, const RunSummary& summary, const MetricsTable& metrics);

}  // namespace moezoo::runtime
