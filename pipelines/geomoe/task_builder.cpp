#include "pipelines/geomoe/task_builder.h"

#include <torch/torch.h>

#include "core/runtime/reproducibility.h"
#include "datasets/graph/graph_datasets.h"
#include "models/geomoe/model_registry.h"

namespace moezoo::pipelines::geomoe {

BuiltTask build_task(const runtime::Config& config, const std::filesystem::path& data_root) {
  // Model init must be seeded before the model is built: the Trainer seeds again for training.
  runtime::seed_everything(static_cast<uint64_t>(config.get<int64_t>("train.seed", 0)));
  models::geomoe::ConsistencyOptions consistency;
  consistency.samples = config.get<int64_t>("train.consistency.samples", consistency.samples);
  consistency.coef = config.get<double>("train.consistency.coef", consistency.coef);
  consistency.temperature = config.get<double>("train.consistency.temperature", consistency.temperature);
  consistency.drop_node = config.get<double>("train.consistency.drop_node", consistency.drop_node);
  models::geomoe::check_consistency_options(consistency);  // before the data is read
  auto graph = datasets::graph::load_graph_dataset(config.at("data"), data_root);
  const auto model_name = config.get<std::string>("model.name");
  auto model = models::geomoe::graph_models().get(model_name).factory(config.at("model"), graph.num_features(),
                                                                       graph.num_classes);
  CurvatureSettings curvature;
  curvature.orc.alpha = config.get<double>("curvature.alpha", curvature.orc.alpha);
  curvature.orc.distance = datasets::graph_structure::parse_distance_kind(
      config.get<std::string>("curvature.distance", "hop"), "curvature.distance");
  curvature.orc.threads = static_cast<int>(config.get<int64_t>("curvature.threads", 0));
  curvature.cache_dir = config.get<std::string>("curvature.cache_dir", "");
  BuiltTask built;
  built.model_name = model_name;
  built.dataset_name = graph.name;
  built.task = std::make_unique<NodeClassificationTask>(std::move(graph), model, curvature, consistency);
  return built;
}

}  // namespace moezoo::pipelines::geomoe
