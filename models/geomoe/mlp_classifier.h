#pragma once
/// The structure-blind baseline: a node's class from its own features only
/// (Linear -> ReLU -> Dropout -> Linear). Ignores the adjacency.

#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

#include <torch/arg.h>

#include "models/geomoe/node_classifier.h"

namespace moezoo::models::geomoe {

struct MLPClassifierOptions {
  MLPClassifierOptions(int64_t in_features, int64_t classes) : in_features_(in_features), classes_(classes) {}
  TORCH_ARG(int64_t, in_features);
  TORCH_ARG(int64_t, classes);
  TORCH_ARG(int64_t, hidden) = 64;
  TORCH_ARG(double, dropout) = 0.5;
};

class MLPClassifier : public NodeClassifier {
 public:
  explicit MLPClassifier(MLPClassifierOptions options);
  /// graph.x: [N, F] -> logits [N, C]; the edges are unused.
  at::Tensor forward(const GraphInputs& graph) override;

 private:
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};

}  // namespace moezoo::models::geomoe
