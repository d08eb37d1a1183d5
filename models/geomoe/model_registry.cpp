#include "models/geomoe/model_registry.h"

#include "core/balancing/balancer_presets.h"
#include "models/geomoe/curvature_features.h"
#include "models/geomoe/gat.h"
#include "models/geomoe/gcn.h"
#include "models/geomoe/geomoe.h"
#include "models/geomoe/kappa_gcn.h"
#include "models/geomoe/mlp_classifier.h"

namespace moezoo::models::geomoe {

namespace {

std::shared_ptr<NodeClassifier> make_gcn(const runtime::Config& c, int64_t in, int64_t classes) {
  GCNOptions d(in, classes);
  return std::make_shared<GCN>(GCNOptions(in, classes)
                                   .hidden(c.get<int64_t>("hidden", d.hidden()))
                                   .layers(c.get<int64_t>("layers", d.layers()))
                                   .dropout(c.get<double>("dropout", d.dropout())));
}

std::shared_ptr<NodeClassifier> make_mlp(const runtime::Config& c, int64_t in, int64_t classes) {
  MLPClassifierOptions d(in, classes);
  return std::make_shared<MLPClassifier>(MLPClassifierOptions(in, classes)
                                             .hidden(c.get<int64_t>("hidden", d.hidden()))
                                             .dropout(c.get<double>("dropout", d.dropout())));
}

std::shared_ptr<NodeClassifier> make_gat(const runtime::Config& c, int64_t in, int64_t classes) {
  GATOptions d(in, classes);
  return std::make_shared<GAT>(GATOptions(in, classes)
                                   .hidden(c.get<int64_t>("hidden", d.hidden()))
                                   .heads(c.get<int64_t>("heads", d.heads()))
                                   .output_heads(c.get<int64_t>("output_heads", d.output_heads()))
                                   .dropout(c.get<double>("dropout", d.dropout())));
}

std::shared_ptr<NodeClassifier> make_hgcn(const runtime::Config& c, int64_t in, int64_t classes) {
  KappaGCNOptions d(in, classes);
  return std::make_shared<KappaGCNClassifier>(KappaGCNOptions(in, classes)
                                                  .hidden(c.get<int64_t>("hidden", d.hidden()))
                                                  .layers(c.get<int64_t>("layers", d.layers()))
                                                  .dropout(c.get<double>("dropout", d.dropout()))
                                                  .kappa(c.get<double>("kappa", -1.0))
                                                  .learn_kappa(c.get<bool>("learn_kappa", d.learn_kappa()))
                                                  .propagation_steps(c.get<int64_t>("propagation_steps", d.propagation_steps()))
                                                  .propagate_hidden(c.get<bool>("propagate_hidden", d.propagate_hidden()))
                                                  .teleport(c.get<double>("teleport", d.teleport()))
                                                  .ego_skip(c.get<bool>("ego_skip", d.ego_skip())));
}

std::shared_ptr<NodeClassifier> make_geomoe(const runtime::Config& c, int64_t in, int64_t classes) {
  GeoMoEOptions d(in, classes, kCurvatureFeatures);
  GeoMoEOptions o(in, classes, kCurvatureFeatures);
  o.hidden(c.get<int64_t>("hidden", d.hidden()))
      .linear_readout(c.get<bool>("linear_readout", d.linear_readout()))
      .layers(c.get<int64_t>("layers", d.layers()))
      .dropout(c.get<double>("dropout", d.dropout()))
      .input_dropout(c.get<double>("input_dropout", c.get<double>("dropout", d.dropout())))
      .kappas(c.get<std::vector<double>>("kappas", d.kappas()))
      .learn_kappa(c.get<bool>("learn_kappa", d.learn_kappa()))
      .propagation_steps(c.get<int64_t>("propagation_steps", d.propagation_steps()))
      .propagate_hidden(c.get<bool>("propagate_hidden", d.propagate_hidden()))
      .teleport(c.get<double>("teleport", d.teleport()))
      .ego_skip(c.get<bool>("ego_skip", d.ego_skip()))
      .top_k(c.get<int64_t>("top_k", d.top_k()))
      .prior_weight(c.get<double>("prior_weight", d.prior_weight()))
      .balancer(core::balancer_preset(c.get<std::string>("balancer", "none"), "model.balancer"))
      .align_coef(c.get<double>("align_coef", d.align_coef()))
      .align_scale(c.get<double>("align_scale", d.align_scale()))
      .align_temperature(c.get<double>("align_temperature", d.align_temperature()))
      .contrast_coef(c.get<double>("contrast_coef", d.contrast_coef()))
      .contrast_temperature(c.get<double>("contrast_temperature", d.contrast_temperature()))
      .contrast_delta(c.get<double>("contrast_delta", d.contrast_delta()))
      .contrast_pairs(c.get<int64_t>("contrast_pairs", d.contrast_pairs()));
  return std::make_shared<GeoMoE>(o);
}

}  // namespace

const runtime::Registry<NodeClassifierFactory>& graph_models() {
  static const runtime::Registry<NodeClassifierFactory> registry(
      "model", {
                   {"gcn", "GCN, Kipf & Welling 2017 (baseline)", make_gcn},
                   {"mlp", "two-layer MLP on node features only (baseline)", make_mlp},
                   {"gat", "GAT, Velickovic et al. 2018 (baseline)", make_gat},
                   {"hgcn", "single-space hyperbolic GCN, kappa = -1 (baseline)", make_hgcn},
                   {"geomoe", "GeoMoE: hyperbolic/Euclidean/spherical GCN experts, curvature-guided gate", make_geomoe},
               });
  return registry;
}

}  // namespace moezoo::models::geomoe
