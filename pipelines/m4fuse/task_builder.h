#pragma once
/// From a resolved config to a ready task: the data (`data.*`), the model (`model.*`,
/// seeded by train.seed), the loss (`model.loss.*`) and the batching (`train.batch_size`,
/// `train.batches_per_epoch`, `train.eval_batch_size`), and `infer.site`.

#include <filesystem>
#include <memory>
#include <string>

#include "core/runtime/config.h"
#include "models/m4fuse/m4fuse.h"
#include "pipelines/m4fuse/segmentation_task.h"

namespace moezoo::pipelines::m4fuse {

struct BuiltTask {
  std::unique_ptr<SegmentationTask> task;
  std::string model_name;  ///< "m4fuse-tiny"
  std::string data_name;   ///< "synthetic" or the case folder's name
  int64_t infer_site = 0;  ///< infer.site: the expert of every case `infer` segments
  std::string log;         ///< data log lines and the model's size, for stderr
};

/// The model options of the `model:` section (variant, routing, num_experts, dropout,
/// bridge, switch_coef); errors name the key.
models::m4fuse::M4FuseOptions model_options_from_config(const runtime::Config& model);

/// The loss of `model.loss` (defaults: the official brats_loss_options()).
models::m4fuse::SegmentationLossOptions loss_options_from_config(const runtime::Config& loss);

/// `with_data` false: no case is loaded (infer on other data; the task has no
/// training or validation cases then).
BuiltTask build_task(const runtime::Config& config, const std::filesystem::path& data_root, bool with_data = true);

}  // namespace moezoo::pipelines::m4fuse
