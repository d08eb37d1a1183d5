#pragma once
/// The graph models by name (moezoo-geomoe list): each factory reads its own
/// keys from the `model:` section.

#include <functional>
#include <memory>

#include "core/runtime/config.h"
#include "core/runtime/registry.h"
#include "models/geomoe/node_classifier.h"

namespace moezoo::models::geomoe {

/// (model config, input features, classes) -> model
using NodeClassifierFactory =
    std::function<std::shared_ptr<NodeClassifier>(const runtime::Config&, int64_t in_features, int64_t classes)>;

const runtime::Registry<NodeClassifierFactory>& graph_models();

}  // namespace moezoo::models::geomoe
