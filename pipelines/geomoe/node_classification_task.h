#pragma once
/// Full-batch semi-supervised node classification as a TrainTask: one batch per
/// epoch (the whole graph), cross-entropy on the training nodes, accuracy on
/// the validation and test nodes. With ConsistencyOptions (train.consistency.*), each
/// step averages S perturbed passes and adds GRAND's consistency loss on every node
/// (models/geomoe/consistency_regularization.h).

#include <map>
#include <memory>

#include "core/runtime/train_task.h"
#include "datasets/graph/graph_data.h"
#include "pipelines/geomoe/graph_inputs_builder.h"
#include "models/geomoe/consistency_regularization.h"
#include "models/geomoe/node_classifier.h"

namespace moezoo::pipelines::geomoe {

class NodeClassificationTask : public runtime::TrainTask {
 public:
  /// Curvature is computed (or read from its cache) when the model needs_curvature().
  NodeClassificationTask(datasets::graph::GraphData graph, std::shared_ptr<models::geomoe::NodeClassifier> model,
                         CurvatureSettings curvature = {}, models::geomoe::ConsistencyOptions consistency = {});

  torch::nn::Module& module() override { return *model_; }
  int64_t batches_per_epoch() const override { return 1; }
  runtime::StepResult train_batch(int64_t epoch, int64_t index, const c10::Device& device) override;
  /// val_acc, val_loss, test_acc
  std::map<std::string, double> evaluate(const c10::Device& device) override;

  /// Logits for every node: [N, C].
  at::Tensor predict(const c10::Device& device);
  const datasets::graph::GraphData& graph() const { return graph_; }
  const models::geomoe::GraphInputs& inputs() const { return inputs_; }

 private:
  void to_device(const c10::Device& device);

  datasets::graph::GraphData graph_;
  std::shared_ptr<models::geomoe::NodeClassifier> model_;
  models::geomoe::ConsistencyOptions consistency_;
  models::geomoe::GraphInputs inputs_;  // on the current device
  c10::Device device_{c10::kCPU};
};

}  // namespace moezoo::pipelines::geomoe
