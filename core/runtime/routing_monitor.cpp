#include "core/runtime/routing_monitor.h"

#include <torch/torch.h>

#include <cmath>
#include <numeric>
#include <sstream>

#include "core/moe/routed_layer.h"
#include "core/util/atomic_file.h"

namespace moezoo::runtime {

RoutingMonitor::RoutingMonitor(torch::nn::Module& module) {
  for (const auto& item : module.named_modules("model")) {
    if (auto* layer = dynamic_cast<core::RoutedLayer*>(item.value().get())) {
      layers_.push_back(layer);
      names_.push_back(item.key());
    }
  }
}

void RoutingMonitor::begin_step() {
  for (auto* layer : layers_) layer->stats().reset_step();
}

void RoutingMonitor::after_step() {
  for (auto* layer : layers_) layer->step_expert_bias();
}

std::map<std::string, double> RoutingMonitor::step_metrics() const {
  std::map<std::string, std::pair<double, int>> sums;
  for (auto* layer : layers_)
    for (const auto& [name, value] : layer->stats().step_metrics())
      if (name != "tokens" && std::isfinite(value)) {
        sums[name].first += value;
        sums[name].second += 1;
      }
  std::map<std::string, double> means;
  for (const auto& [name, cell] : sums) means["moe/" + name] = cell.first / cell.second;
  return means;
}

std::map<std::string, double> RoutingMonitor::end_epoch(int64_t epoch) {
  std::map<std::string, double> metrics;
  EpochLoad record;
  record.epoch = epoch;
  bool observed = false;
  for (size_t i = 0; i < layers_.size(); ++i) {
    auto& stats = layers_[i]->stats();
    const auto values = stats.epoch_metrics();
    observed = observed || values.at("tokens") > 0;
    for (const auto& [name, value] : values)
      if (name != "tokens") metrics["moe/" + names_[i] + "/" + name] = value;
    record.load.push_back(stats.epoch_load());
    stats.reset_epoch();
  }
  if (!observed) return {};
  epochs_.push_back(std::move(record));
  return metrics;
}

void RoutingMonitor::write_load_csv(const std::filesystem::path& path) const {
  std::ostringstream out;
  out.precision(17);
  out << "epoch,layer,expert,load,share\n";
  for (const auto& e : epochs_)
    for (size_t l = 0; l < e.load.size(); ++l) {
      const double total = std::accumulate(e.load[l].begin(), e.load[l].end(), 0.0);
      for (size_t x = 0; x < e.load[l].size(); ++x)
        out << e.epoch << ',' << names_[l] << ',' << x << ',' << e.load[l][x] << ','
            << (total > 0 ? e.load[l][x] / total : 0.0) << '\n';
    }
  write_file_atomically(path, out.str());
}

}  // namespace moezoo::runtime
