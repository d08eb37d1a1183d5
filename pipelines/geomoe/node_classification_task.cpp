#include "pipelines/geomoe/node_classification_task.h"

#include <torch/torch.h>

#include "models/geomoe/graph_adjacency.h"

namespace moezoo::pipelines::geomoe {

namespace {
double accuracy(const at::Tensor& logits, const at::Tensor& y, const at::Tensor& mask) {
  return logits.index({mask}).argmax(1).eq(y.index({mask})).to(torch::kFloat64).mean().item<double>();
}
}  // namespace

NodeClassificationTask::NodeClassificationTask(datasets::graph::GraphData graph,
                                               std::shared_ptr<models::geomoe::NodeClassifier> model)
    : graph_(std::move(graph)), model_(std::move(model)) {
  adj_ = models::geomoe::normalized_adjacency(graph_.edge_index, graph_.num_nodes());
}

void NodeClassificationTask::to_device(const c10::Device& device) {
  if (device == device_) return;
  for (auto* t : {&graph_.x, &graph_.y, &graph_.train_mask, &graph_.val_mask, &graph_.test_mask, &adj_}) *t = t->to(device);
  device_ = device;
}

runtime::StepResult NodeClassificationTask::train_batch(int64_t, int64_t, const c10::Device& device) {
  to_device(device);
  runtime::StepResult r;
  const auto logits = model_->forward(graph_.x, adj_);
  r.loss = torch::cross_entropy_loss(logits.index({graph_.train_mask}), graph_.y.index({graph_.train_mask}));
  r.aux = model_->aux_losses();
  r.metrics["acc"] = accuracy(logits.detach(), graph_.y, graph_.train_mask);
  return r;
}

at::Tensor NodeClassificationTask::predict(const c10::Device& device) {
  to_device(device);
  return model_->forward(graph_.x, adj_);
}

std::map<std::string, double> NodeClassificationTask::evaluate(const c10::Device& device) {
  const auto logits = predict(device);
  const double val_loss =
      torch::cross_entropy_loss(logits.index({graph_.val_mask}), graph_.y.index({graph_.val_mask})).item<double>();
  return {{"val_acc", accuracy(logits, graph_.y, graph_.val_mask)},
          {"val_loss", val_loss},
          {"test_acc", accuracy(logits, graph_.y, graph_.test_mask)}};
}

}  // namespace moezoo::pipelines::geomoe
