#include "core/balancing/balancer_presets.h"

#include <set>

#include "core/util/error.h"

namespace moezoo::core {

std::vector<std::string> balancer_preset_names() { return {"none", "switch", "seq", "z", "bias", "deepseek"}; }

namespace {

void apply_preset(const std::string& name, BalancerOptions& options, const std::string& key) {
  if (name == "none") return;
  if (name == "switch") options.switch_coef(1e-2);
  else if (name == "seq") options.seq_coef(1e-4);
  else if (name == "z") options.z_coef(1e-3);
  else if (name == "bias") options.bias_update_rate(1e-3);
  else if (name == "deepseek") options.bias_update_rate(1e-3).seq_coef(1e-4);
  else {
    std::string known;
    for (const auto& n : balancer_preset_names()) known += (known.empty() ? "" : ", ") + n;
    throw Error(key + ": unknown balancer '" + name + "' (expected " + known + ", or several joined by '+')");
  }
}

}  // namespace

BalancerOptions balancer_preset(const std::string& names, const std::string& key) {
  BalancerOptions options;
  check_input(!names.empty(), key, "is empty (expected e.g. 'switch', 'switch+z' or 'none')");
  std::set<std::string> seen;
  size_t start = 0;
  while (true) {
    const size_t end = names.find('+', start);
    const std::string name = names.substr(start, end == std::string::npos ? std::string::npos : end - start);
    check_input(!name.empty(), key, "has an empty name in '" + names + "'");
    check_input(seen.insert(name).second, key, "names '" + name + "' twice in '" + names + "'");
    apply_preset(name, options, key);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return options;
}

}  // namespace moezoo::core
