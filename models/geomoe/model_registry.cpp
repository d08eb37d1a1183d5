#include "models/geomoe/model_registry.h"

#include "models/geomoe/gcn.h"
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

}  // namespace

const runtime::Registry<NodeClassifierFactory>& graph_models() {
  static const runtime::Registry<NodeClassifierFactory> registry(
      "model", {
                   {"gcn", "GCN, Kipf & Welling 2017 (baseline)", make_gcn},
                   {"mlp", "two-layer MLP on node features only (baseline)", make_mlp},
               });
  return registry;
}

}  // namespace moezoo::models::geomoe
