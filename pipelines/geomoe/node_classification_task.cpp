#include "pipelines/geomoe/node_classification_task.h"

#include <torch/torch.h>



namespace moezoo::pipelines::geomoe {

namespace {
double accuracy(const at::Tensor& logits, const at::Tensor& y, const at::Tensor& mask) {
  return logits.index({mask}).argmax(1).eq(y.index({mask})).to(torch::kFloat64).mean().item<double>();
}
}  // namespace

NodeClassificationTask::NodeClassificationTask(datasets::graph::GraphData graph,
                                               std::shared_ptr<models::geomoe::NodeClassifier> model,
                                               CurvatureSettings curvature,
                                               models::geomoe::ConsistencyOptions consistency)
    : graph_(std::move(graph)), model_(std::move(model)), consistency_(consistency) {
  models::geomoe::check_consistency_options(consistency_);
  curvature.needed = curvature.needed || model_->needs_curvature();
  inputs_ = build_graph_inputs(graph_, curvature);
}

void NodeClassificationTask::to_device(const c10::Device& device) {
  if (device == device_) return;
  for (auto* t : {&graph_.y, &graph_.train_mask, &graph_.val_mask, &graph_.test_mask, &inputs_.x, &inputs_.adj,
                  &inputs_.edge_index, &inputs_.node_curvature, &inputs_.edge_curvature})
    if (t->defined()) *t = t->to(device);
  device_ = device;
}

runtime::StepResult NodeClassificationTask::train_batch(int64_t, int64_t, const c10::Device& device) {
  to_device(device);
  runtime::StepResult r;
  const auto& c = consistency_;
  const auto samples = static_cast<double>(c.samples);
  std::vector<at::Tensor> logits;  // S x [N, C]
  for (int64_t s = 0; s < c.samples; ++s) {
    models::geomoe::GraphInputs perturbed = inputs_;
    perturbed.x = models::geomoe::drop_nodes(inputs_.x, c.drop_node);
    logits.push_back(model_->forward(perturbed));
    const at::Tensor ce =
        torch::cross_entropy_loss(logits.back().index({graph_.train_mask}), graph_.y.index({graph_.train_mask}));
    r.loss = r.loss.defined() ? r.loss + ce / samples : ce / samples;
    for (const auto& [name, value] : model_->aux_losses().terms) r.aux.add(name, value / samples);
  }
  if (c.samples > 1 && c.coef > 0)
    r.aux.add("consistency", c.coef * models::geomoe::consistency_loss(logits, c.temperature));
  r.metrics["acc"] = accuracy(logits.front().detach(), graph_.y, graph_.train_mask);
  return r;
}

at::Tensor NodeClassificationTask::predict(const c10::Device& device) {
  to_device(device);
  return model_->forward(inputs_);
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
