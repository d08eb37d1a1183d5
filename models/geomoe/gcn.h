#pragma once
/// Graph Convolutional Network (Kipf & Welling, "Semi-Supervised Classification
/// with Graph Convolutional Networks", ICLR 2017), eq. 2:
///   H^{l+1} = sigma(A_hat H^l W^l),   A_hat = D^{-1/2} (A + I) D^{-1/2}
/// Glorot-initialised weights and zero biases as in the paper's code; dropout on
/// the input of every layer.

#include <torch/nn/modules/dropout.h>
#include <torch/nn/pimpl.h>

#include <torch/arg.h>

#include <vector>

#include "models/geomoe/node_classifier.h"

namespace moezoo::models::geomoe {

struct GCNOptions {
  GCNOptions(int64_t in_features, int64_t classes) : in_features_(in_features), classes_(classes) {}
  TORCH_ARG(int64_t, in_features);
  TORCH_ARG(int64_t, classes);
  TORCH_ARG(int64_t, hidden) = 16;
  TORCH_ARG(int64_t, layers) = 2;
  TORCH_ARG(double, dropout) = 0.5;
};

/// One propagation step: adj @ (x @ W) + b.
class GCNConvImpl : public torch::nn::Cloneable<GCNConvImpl> {
 public:
  GCNConvImpl(int64_t in, int64_t out) : in_(in), out_(out) { reset(); }
  void reset() override;
  /// x: [N, in], adj: sparse [N, N] -> [N, out]
  at::Tensor forward(const at::Tensor& x, const at::Tensor& adj);
  at::Tensor weight, bias;

 private:
  int64_t in_, out_;
};
TORCH_MODULE(GCNConv);

class GCN : public NodeClassifier {
 public:
  explicit GCN(GCNOptions options);
  /// graph.x: [N, F], graph.adj: sparse [N, N] -> logits [N, C]
  at::Tensor forward(const GraphInputs& graph) override;

 private:
  GCNOptions options_;
  std::vector<GCNConv> convs_;
  torch::nn::Dropout dropout_{nullptr};
};

}  // namespace moezoo::models::geomoe
