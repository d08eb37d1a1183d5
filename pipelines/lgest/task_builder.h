#pragma once
/// From a resolved config to a ready task: the scene, split and features (`data.*`),
/// the model (`model.name` and its keys, seeded by train.seed) and the batch sizes
/// (`train.batch_size`, `train.eval_batch_size`).

#include <filesystem>
#include <memory>
#include <string>

#include "core/runtime/config.h"
#include "pipelines/lgest/patch_task.h"

namespace moezoo::pipelines::lgest {

struct BuiltTask {
  std::unique_ptr<PatchClassificationTask> task;
  std::string model_name, scene_name, split_name;
  std::string log;  ///< the data's log lines and the model's size, for stderr
};

BuiltTask build_task(const runtime::Config& config, const std::filesystem::path& data_root);

}  // namespace moezoo::pipelines::lgest
