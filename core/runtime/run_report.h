#pragma once
/// report.md of a run: summary facts, best and final metrics, and PNG plots of
/// the training curves (loss and auxiliary losses, learning rate, validation metrics).

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
};

/// Writes run_dir/report.md and run_dir/plots/*.png (atomically).
void write_run_report(const std::filesystem::path& run_dir, const RunSummary& summary, const MetricsTable& metrics);

}  // namespace moezoo::runtime
