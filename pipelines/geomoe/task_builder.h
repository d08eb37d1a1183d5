#pragma once
/// From a resolved config to a ready task: the dataset, the model (seeded by
/// train.seed) and the curvature settings (`curvature.*` keys).

#include <filesystem>
#include <memory>
#include <string>

#include "core/runtime/config.h"
#include "pipelines/geomoe/node_classification_task.h"

namespace moezoo::pipelines::geomoe {

struct BuiltTask {
  std::unique_ptr<NodeClassificationTask> task;
  std::string model_name, dataset_name;
};

BuiltTask build_task(const runtime::Config& config, const std::filesystem::path& data_root);

}  // namespace moezoo::pipelines::geomoe
