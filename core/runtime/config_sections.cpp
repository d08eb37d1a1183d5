#include "core/runtime/config_sections.h"

#include <algorithm>

namespace moezoo::runtime {

std::vector<std::string> config_children(const Config& config, const std::string& section) {
  std::vector<std::string> names;
  const std::string prefix = section + ".";
  for (const auto& key : config.keys())
    if (key.rfind(prefix, 0) == 0) {
      const std::string name = key.substr(prefix.size(), key.find('.', prefix.size()) - prefix.size());
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  return names;
}

}  // namespace moezoo::runtime
