#include "pipelines/lgest/task_builder.h"

#include <torch/torch.h>

#include "core/runtime/reproducibility.h"
#include "models/lgest/model_registry.h"

namespace moezoo::pipelines::lgest {

BuiltTask build_task(const runtime::Config& config, const std::filesystem::path& data_root) {
  const auto settings = data_settings_from_config(config.at("data"));
  const auto model_name = config.get<std::string>("model.name");
  const auto& entry = models::lgest::hsi_models().get(model_name);  // an unknown name fails before loading data
  const int64_t batch_size = config.get<int64_t>("train.batch_size", 64);
  const int64_t eval_batch_size = config.get<int64_t>("train.eval_batch_size", 512);
  const auto seed = static_cast<uint64_t>(config.get<int64_t>("train.seed", 0));
  auto data = std::make_shared<HsiData>(load_hsi_data(settings, data_root));
  // Model init must be seeded before the model is built: the Trainer seeds again for training.
  runtime::seed_everything(seed);
  auto model = entry.factory(config.at("model"), data->num_bands(), data->patch, data->num_classes());
  BuiltTask built;
  built.log = data->log + "moezoo-lgest: " + model_name + ", " +
              std::to_string(models::lgest::count_parameters(*model)) + " trainable parameters\n";
  built.model_name = model_name;
  built.scene_name = data->scene.name;
  built.split_name = data->split_name;
  built.task =
      std::make_unique<PatchClassificationTask>(std::move(data), std::move(model), batch_size, eval_batch_size, seed);
  return built;
}

}  // namespace moezoo::pipelines::lgest
