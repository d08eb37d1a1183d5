#include "models/geomoe/gat.h"

#include <torch/torch.h>

namespace moezoo::models::geomoe {

GATConvImpl::GATConvImpl(int64_t in, int64_t out, int64_t heads, double attention_dropout, double negative_slope)
    : in_(in), out_(out), heads_(heads), attention_dropout_(attention_dropout), negative_slope_(negative_slope) {
  reset();
}

void GATConvImpl::reset() {
  weight = register_parameter("weight", torch::empty({in_, heads_ * out_}));
  att_source = register_parameter("att_source", torch::empty({heads_, out_}));
  att_target = register_parameter("att_target", torch::empty({heads_, out_}));
  bias = register_parameter("bias", torch::zeros({heads_ * out_}));
  torch::nn::init::xavier_uniform_(weight);
  // Glorot for a [1, heads * out] attention vector per side, as the reference code.
  for (auto* a : {&att_source, &att_target}) {
    const double bound = std::sqrt(6.0 / static_cast<double>(1 + heads_ * out_));
    torch::NoGradGuard no_grad;
    a->uniform_(-bound, bound);
  }
}

at::Tensor GATConvImpl::forward(const at::Tensor& x, const at::Tensor& edge_index) {
  const int64_t n = x.size(0);
  const at::Tensor wh = x.matmul(weight).view({n, heads_, out_});  // [N, H, out]
  const at::Tensor loops = torch::arange(n, edge_index.options());
  const at::Tensor source = torch::cat({edge_index[0], loops}), target = torch::cat({edge_index[1], loops});

  const at::Tensor score_source = (wh * att_source).sum(-1);  // [N, H]
  const at::Tensor score_target = (wh * att_target).sum(-1);
  const at::Tensor e = torch::leaky_relu(score_source.index_select(0, source) + score_target.index_select(0, target),
                                         negative_slope_);  // [E + N, H]
  // Softmax over the incoming edges of each target node.
  const at::Tensor max = torch::full({n, heads_}, -std::numeric_limits<float>::infinity(), e.options())
                             .scatter_reduce(0, target.unsqueeze(1).expand_as(e), e.detach(), "amax");
  const at::Tensor numerator = (e - max.index_select(0, target)).exp();
  const at::Tensor denominator = torch::zeros({n, heads_}, e.options()).index_add(0, target, numerator);
  at::Tensor alpha = numerator / denominator.index_select(0, target);
  alpha = torch::dropout(alpha, attention_dropout_, is_training());

  const at::Tensor messages = wh.index_select(0, source) * alpha.unsqueeze(-1);  // [E + N, H, out]
  return torch::zeros_like(wh).index_add(0, target, messages) + bias.view({1, heads_, out_});
}

GAT::GAT(GATOptions options) : options_(std::move(options)) {
  const auto& o = options_;
  hidden_ = register_module("conv1", GATConv(o.in_features(), o.hidden(), o.heads(), o.dropout(), o.negative_slope()));
  output_ = register_module("conv2", GATConv(o.hidden() * o.heads(), o.classes(), o.output_heads(), o.dropout(),
                                             o.negative_slope()));
  dropout_ = register_module("dropout", torch::nn::Dropout(o.dropout()));
}

at::Tensor GAT::forward(const GraphInputs& graph) {
  const int64_t n = graph.x.size(0);
  const at::Tensor h = torch::elu(hidden_->forward(dropout_(graph.x), graph.edge_index)).reshape({n, -1});
  return output_->forward(dropout_(h), graph.edge_index).mean(1);
}

}  // namespace moezoo::models::geomoe
