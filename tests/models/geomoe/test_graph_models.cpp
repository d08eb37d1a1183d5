// Registry-driven checks of every graph model: shape, finite output, gradients
// reach every parameter, save/load round trip, seeded determinism.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/runtime/config.h"
#include "datasets/graph/synthetic_graph.h"
#include "models/geomoe/curvature_features.h"
#include "models/geomoe/graph_adjacency.h"
#include "models/geomoe/model_registry.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using models::geomoe::graph_models;

namespace {

struct SmallGraph {
  datasets::graph::GraphData g;
  models::geomoe::GraphInputs in;
};

SmallGraph small_graph() {
  datasets::graph::SyntheticGraphOptions o;
  o.nodes = 120;
  o.classes = 3;
  o.features = 10;
  o.train_per_class = 5;
  o.val = 20;
  o.test = 20;
  SmallGraph s{datasets::graph::make_synthetic_graph(o), {}};
  s.in.x = s.g.x;
  s.in.edge_index = s.g.edge_index;
  s.in.adj = models::geomoe::normalized_adjacency(s.g.edge_index, s.g.num_nodes());
  // Curvature-like values in (-1, 1), equal in both directions of an edge.
  const auto ends = std::get<0>(s.g.edge_index.sort(0));
  s.in.edge_curvature = torch::sin(1.7 * ends[0].to(torch::kFloat) + 0.3 * ends[1].to(torch::kFloat));
  s.in.node_curvature = models::geomoe::node_curvature_features(s.g.edge_index, s.in.edge_curvature, s.g.num_nodes());
  return s;
}

std::shared_ptr<models::geomoe::NodeClassifier> make(const std::string& name, uint64_t seed) {
  torch::manual_seed(seed);
  auto config = runtime::Config::from_string("{}");
  return graph_models().get(name).factory(config, 10, 3);
}

class GraphModels : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(GraphModels, ForwardGradientsSaveLoadDeterminism) {
  const auto s = small_graph();
  auto model = make(GetParam(), 3);
  model->train();
  const auto logits = model->forward(s.in);
  ASSERT_EQ(logits.sizes(), (std::vector<int64_t>{120, 3}));
  ASSERT_TRUE(torch::isfinite(logits).all().item<bool>());

  (torch::cross_entropy_loss(logits, s.g.y) + model->aux_losses().total()).backward();
  for (const auto& p : model->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key() << " got no gradient";
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key() << " has an all-zero gradient";
  }

  // Save/load round trip into a model with other initial weights gives the same output.
  model->eval();
  const auto expected = model->forward(s.in);
  const auto path = moezoo::testing::temp_dir("graph_models") / "model.pt";
  torch::serialize::OutputArchive out;
  model->save(out);
  out.save_to(path.string());
  auto other = make(GetParam(), 77);
  torch::serialize::InputArchive in;
  in.load_from(path.string());
  other->load(in);
  other->eval();
  EXPECT_TRUE(torch::equal(other->forward(s.in), expected));

  // Same seed, same weights and same training-mode output (dropout included).
  auto a = make(GetParam(), 11), b = make(GetParam(), 11);
  torch::manual_seed(5);
  const auto out_a = a->forward(s.in);
  torch::manual_seed(5);
  const auto out_b = b->forward(s.in);
  EXPECT_TRUE(torch::equal(out_a, out_b));
}

INSTANTIATE_TEST_SUITE_P(Registry, GraphModels, ::testing::ValuesIn(graph_models().names()),
                         [](const auto& info) { return info.param; });

TEST(GraphAdjacency, MatchesDenseFormula) {
  // Path 0-1-2 plus a duplicated edge: A_hat = D^-1/2 (A+I) D^-1/2 with D = 1 + deg.
  const auto edges = torch::stack({torch::tensor({0, 1, 1, 2, 0}), torch::tensor({1, 0, 2, 1, 1})});
  const auto adj = models::geomoe::normalized_adjacency(edges, 3).to_dense();
  auto a = torch::tensor({1., 1., 0., 1., 1., 1., 0., 1., 1.}, torch::kFloat).view({3, 3});
  auto d = a.sum(1).pow(-0.5);
  EXPECT_TRUE(torch::allclose(adj, d.unsqueeze(1) * a * d.unsqueeze(0)));
}
