#include "models/geomoe/mlp_classifier.h"

#include <torch/torch.h>

namespace moezoo::models::geomoe {

MLPClassifier::MLPClassifier(MLPClassifierOptions o) {
  fc1_ = register_module("fc1", torch::nn::Linear(o.in_features(), o.hidden()));
  fc2_ = register_module("fc2", torch::nn::Linear(o.hidden(), o.classes()));
  dropout_ = register_module("dropout", torch::nn::Dropout(o.dropout()));
}

at::Tensor MLPClassifier::forward(const GraphInputs& graph) {
  return fc2_(dropout_(torch::relu(fc1_(dropout_(graph.x)))));
}

}  // namespace moezoo::models::geomoe
