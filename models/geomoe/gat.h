#pragma once
/// Graph Attention Network (Velickovic et al., "Graph Attention Networks", ICLR 2018),
/// eq. 3-4 and 6:
///   e_ij     = LeakyReLU_0.2(a^T [W h_i || W h_j])            for j in N(i) + {i}
///   alpha_ij = softmax_j(e_ij)
///   h_i'     = ||_{heads} ELU(sum_j alpha_ij W h_j)            (hidden layers: concat)
///   logits_i = mean_{heads} sum_j alpha_ij W h_j               (output layer)
/// The transductive setup of section 3.3: 8 heads of 8 features, dropout 0.6 on every
/// layer's input and on the attention coefficients, one output head for Cora and
/// CiteSeer. The softmax over each node's neighbourhood subtracts the neighbourhood's
/// maximum first (numerically safe; the paper does not say).

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/pimpl.h>

#include <vector>

#include "models/geomoe/node_classifier.h"

namespace moezoo::models::geomoe {

struct GATOptions {
  GATOptions(int64_t in_features, int64_t classes) : in_features_(in_features), classes_(classes) {}
  TORCH_ARG(int64_t, in_features);
  TORCH_ARG(int64_t, classes);
  TORCH_ARG(int64_t, hidden) = 8;        ///< features per head
  TORCH_ARG(int64_t, heads) = 8;         ///< heads of the hidden layer
  TORCH_ARG(int64_t, output_heads) = 1;  ///< heads of the output layer (averaged)
  TORCH_ARG(double, dropout) = 0.6;      ///< on layer inputs and on attention coefficients
  TORCH_ARG(double, negative_slope) = 0.2;
};

/// One multi-head attention layer over the edges plus self loops.
class GATConvImpl : public torch::nn::Cloneable<GATConvImpl> {
 public:
  GATConvImpl(int64_t in, int64_t out, int64_t heads, double attention_dropout, double negative_slope);
  void reset() override;
  /// x: [N, in], edge_index: [2, E] (source, target) without self loops -> [N, heads, out]
  at::Tensor forward(const at::Tensor& x, const at::Tensor& edge_index);

  at::Tensor weight;      ///< [in, heads * out]
  at::Tensor att_source;  ///< [heads, out]
  at::Tensor att_target;  ///< [heads, out]
  at::Tensor bias;        ///< [heads * out]

 private:
  int64_t in_, out_, heads_;
  double attention_dropout_, negative_slope_;
};
TORCH_MODULE(GATConv);

class GAT : public NodeClassifier {
 public:
  explicit GAT(GATOptions options);
  /// graph.x: [N, F], graph.edge_index -> logits [N, C]
  at::Tensor forward(const GraphInputs& graph) override;

 private:
  GATOptions options_;
  GATConv hidden_{nullptr}, output_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};

}  // namespace moezoo::models::geomoe
