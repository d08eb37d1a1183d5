// Registry-driven checks of every graph model: shape, finite output, gradients
// reach every parameter, save/load round trip, seeded determinism.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/runtime/config.h"
#include "datasets/graph/synthetic_graph.h"
#include "models/geomoe/graph_adjacency.h"
#include "models/geomoe/model_registry.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using models::geomoe::graph_models;

namespace {

struct SmallGraph {
  datasets::graph::GraphData g;
  at::Tensor adj;
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
  s.adj = models::geomoe::normalized_adjacency(s.g.edge_index, s.g.num_nodes());
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
  const auto logits = model->forward(s.g.x, s.adj);
  ASSERT_EQ(logits.sizes(), (std::vector<int64_t>{120, 3}));
  ASSERT_TRUE(torch::isfinite(logits).all().item<bool>());

  (torch::cross_entropy_loss(logits, s.g.y) + model->aux_losses().total()).backward();
  for (const auto& p : model->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key() << " got no gradient";
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key() << " has an all-zero gradient";
  }

  // Save/load round trip into a model with other initial weights gives the same output.
  model->eval();
  const auto expected = model->forward(s.g.x, s.adj);
  const auto path = moezoo::testing::temp_dir("graph_models") / "model.pt";
  torch::serialize::OutputArchive out;
  model->save(out);
  out.save_to(path.string());
  auto other = make(GetParam(), 77);
  torch::serialize::InputArchive in;
  in.load_from(path.string());
  other->load(in);
  other->eval();
  EXPECT_TRUE(torch::equal(other->forward(s.g.x, s.adj), expected));

  // Same seed, same weights and same training-mode output (dropout included).
  auto a = make(GetParam(), 11), b = make(GetParam(), 11);
  torch::manual_seed(5);
  const auto out_a = a->forward(s.g.x, s.adj);
  torch::manual_seed(5);
  const auto out_b = b->forward(s.g.x, s.adj);
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
