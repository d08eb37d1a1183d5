#pragma once
/// Reading a config section whose keys are names chosen by the user (the datasets,
/// models and splits of a reproduce config), rather than fixed option names.

#include <string>
#include <vector>

#include "core/runtime/config.h"

namespace moezoo::runtime {

/// The direct children of `section` among the config's leaf keys, in file order:
/// with `models.gcn: [...]` and `models.gat: [...]`, config_children(c, "models") is
/// {"gcn", "gat"}. Empty when the section is absent.
std::vector<std::string> config_children(const Config& config, const std::string& section);

}  // namespace moezoo::runtime
