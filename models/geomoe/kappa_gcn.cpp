#include "models/geomoe/kappa_gcn.h"

#include <torch/torch.h>

#include "core/util/error.h"
#include "models/geomoe/graph_adjacency.h"
#include "models/geomoe/stereographic.h"

namespace moezoo::models::geomoe {

namespace sg = stereographic;

KappaGCNImpl::KappaGCNImpl(KappaGCNOptions options) : options_(std::move(options)) {
  check_input(options_.layers() >= 1, "model.layers", "must be at least 1");
  check_input(options_.propagation_steps() >= 1, "model.propagation_steps", "must be at least 1");
  check_input(options_.teleport() >= 0 && options_.teleport() < 1, "model.teleport", "must be in [0, 1)");
  reset();
}

void KappaGCNImpl::reset() {
  weights.clear();
  biases.clear();
  ego_weights.clear();
  int64_t in = options_.in_features();
  for (int64_t l = 0; l < options_.layers(); ++l) {
    const int64_t out = l + 1 == options_.layers() ? options_.out_features() : options_.hidden();
    // [out, in] as torch::nn::Linear, Glorot-uniform as GCN.
    auto w = register_parameter("weight" + std::to_string(l + 1), torch::empty({out, in}));
    torch::nn::init::xavier_uniform_(w);
    weights.push_back(w);
    biases.push_back(register_parameter("bias" + std::to_string(l + 1), torch::zeros({out})));
    if (options_.ego_skip()) {
      auto s = register_parameter("ego_weight" + std::to_string(l + 1), torch::empty({out, in}));
      torch::nn::init::xavier_uniform_(s);
      ego_weights.push_back(s);
    }
    in = out;
  }
  const at::Tensor k = torch::tensor(options_.kappa(), torch::kFloat32);
  kappa_ = options_.learn_kappa() ? register_parameter("kappa", k) : register_buffer("kappa", k);
  dropout_ = register_module("dropout", torch::nn::Dropout(options_.dropout()));
}

at::Tensor KappaGCNImpl::forward(const at::Tensor& x, const at::Tensor& adj) {
  at::Tensor t = x;
  for (size_t l = 0; l < weights.size(); ++l) {
    // W (x)_k exp0(t) = exp0(W log0(exp0(t))) = exp0(W t): the Mobius matrix-vector
    // product of a point given by its tangent vector needs no round trip through the
    // manifold (and none of the [N, F] work it would cost on the input features).
    const at::Tensor in = l > 0 || options_.input_dropout() ? dropout_(t) : t;
    const at::Tensor wh = sg::project(sg::expmap0(in.matmul(weights[l].t()), kappa_), kappa_);
    const at::Tensor bias = sg::project(sg::expmap0(biases[l], kappa_), kappa_);
    const at::Tensor m = sg::project(sg::mobius_add(wh, bias.expand_as(wh), kappa_), kappa_);
    const bool last = l + 1 == weights.size();
    const at::Tensor tangent = sg::logmap0(m, kappa_);
    if (last && options_.propagation_steps() > 1)
      t = ppr_propagate(adj, tangent, options_.propagation_steps(), options_.teleport());
    else
      t = last || options_.propagate_hidden() ? adj.mm(tangent) : tangent;
    if (options_.ego_skip()) t = t + in.matmul(ego_weights[l].t());
    if (!last) t = torch::relu(t);
  }
  return t;
}

KappaGCNClassifier::KappaGCNClassifier(KappaGCNOptions options) {
  encoder = register_module("encoder", KappaGCN(std::move(options)));
}

at::Tensor KappaGCNClassifier::forward(const GraphInputs& graph) { return encoder->forward(graph.x, graph.adj); }

}  // namespace moezoo::models::geomoe
