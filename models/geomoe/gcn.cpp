#include "models/geomoe/gcn.h"

#include <torch/torch.h>

namespace moezoo::models::geomoe {

void GCNConvImpl::reset() {
  weight = register_parameter("weight", torch::empty({in_, out_}));
  bias = register_parameter("bias", torch::zeros({out_}));
  torch::nn::init::xavier_uniform_(weight);
}

at::Tensor GCNConvImpl::forward(const at::Tensor& x, const at::Tensor& adj) {
  return torch::mm(adj, x.matmul(weight)) + bias;
}

GCN::GCN(GCNOptions options) : options_(options) {
  dropout_ = register_module("dropout", torch::nn::Dropout(options.dropout()));
  int64_t in = options.in_features();
  for (int64_t l = 0; l < options.layers(); ++l) {
    const int64_t out = l + 1 == options.layers() ? options.classes() : options.hidden();
    convs_.push_back(register_module("conv" + std::to_string(l + 1), GCNConv(in, out)));
    in = out;
  }
}

at::Tensor GCN::forward(const GraphInputs& graph) {
  at::Tensor h = graph.x;
  for (size_t l = 0; l < convs_.size(); ++l) {
    h = convs_[l]->forward(dropout_(h), graph.adj);
    if (l + 1 < convs_.size()) h = torch::relu(h);
  }
  return h;
}

}  // namespace moezoo::models::geomoe
