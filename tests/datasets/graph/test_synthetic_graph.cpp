// The synthetic SBM of trees, grids and dense communities: determinism, the split,
// and that each part has the structure (and so the curvature) it is meant to have.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/util/error.h"
#include "datasets/graph/synthetic_graph.h"
#include "tests/datasets/graph/graph_test_util.h"

using namespace moezoo;
using namespace moezoo::datasets::graph;
using moezoo::testing::throws_error_with;
using moezoo::testing::undirected_simple;

namespace {

torch::Tensor dense_adjacency(const GraphData& g) {
  auto a = torch::zeros({g.num_nodes(), g.num_nodes()});
  a.index_put_({g.edge_index[0], g.edge_index[1]}, 1.0f);
  return a;
}

/// Per node: triangles through it, diag(A^3) / 2.
torch::Tensor triangles(const torch::Tensor& a) { return a.matmul(a).mul(a).sum(1) / 2; }

torch::Tensor part_mask(const torch::Tensor& parts, SyntheticPart p) { return parts.eq(static_cast<int64_t>(p)); }

}  // namespace

TEST(SyntheticGraph, DeterministicFromTheSeedAndDifferentAcrossSeeds) {
  SyntheticGraphOptions o;
  torch::Tensor pa, pb;
  const auto a = make_synthetic_graph(o, &pa);
  torch::manual_seed(99);  // the global seed plays no part
  const auto b = make_synthetic_graph(o, &pb);
  EXPECT_TRUE(torch::equal(a.edge_index, b.edge_index));
  EXPECT_TRUE(torch::equal(a.x, b.x));
  EXPECT_TRUE(torch::equal(a.y, b.y));
  EXPECT_TRUE(torch::equal(pa, pb));
  EXPECT_TRUE(torch::equal(a.train_mask, b.train_mask) && torch::equal(a.test_mask, b.test_mask));
  o.seed = 1;
  const auto c = make_synthetic_graph(o);
  EXPECT_FALSE(c.num_edges() == a.num_edges() && torch::equal(c.edge_index, a.edge_index));
  EXPECT_FALSE(torch::equal(c.y, a.y));
}

TEST(SyntheticGraph, DefaultSizesSplitAndHomophily) {
  const SyntheticGraphOptions o;
  torch::Tensor parts;
  const auto g = make_synthetic_graph(o, &parts);
  EXPECT_EQ(g.num_nodes(), 600);
  EXPECT_EQ(g.num_features(), 64);
  EXPECT_EQ(g.num_classes, 5);
  EXPECT_EQ(g.num_stored_splits, 1);
  EXPECT_TRUE(undirected_simple(g.edge_index, 600));
  EXPECT_TRUE(torch::equal(torch::bincount(g.y), torch::full({5}, 120, torch::kLong)));
  // 40 nodes of each part in each class.
  EXPECT_TRUE(torch::equal(torch::bincount(parts * 5 + g.y), torch::full({15}, 40, torch::kLong)));
  EXPECT_TRUE(torch::equal(torch::bincount(g.y.index({g.train_mask}), {}, 5), torch::full({5}, 20, torch::kLong)));
  EXPECT_EQ(g.val_mask.sum().item<int64_t>(), 100);
  EXPECT_EQ(g.test_mask.sum().item<int64_t>(), 400);
  EXPECT_TRUE((g.train_mask ^ g.val_mask ^ g.test_mask).all().item<bool>());
  EXPECT_FALSE((g.train_mask & g.val_mask).any().item<bool>() || (g.val_mask & g.test_mask).any().item<bool>());
  // Structure edges are all inside a class; about 100 random edges of the community SBM
  // (1 expected neighbour in another class for 200 community nodes) are not.
  const auto same = g.y.index_select(0, g.edge_index[0]).eq(g.y.index_select(0, g.edge_index[1]));
  const double homophily = same.to(torch::kDouble).mean().item<double>();
  EXPECT_GT(homophily, 0.85);
  EXPECT_LT(homophily, 0.97);
  const auto cross = same.logical_not().nonzero().view(-1);
  EXPECT_TRUE(parts.index_select(0, g.edge_index[0].index_select(0, cross))
                  .eq(static_cast<int64_t>(SyntheticPart::Community))
                  .all()
                  .item<bool>());
  // Features are informative but noisy: a node shares more words with its own class.
  const auto centroid = torch::zeros({5, 64}).index_add_(0, g.y, g.x) / 120;
  const auto nearest = g.x.matmul(centroid.t()).argmax(1);
  const double agree = nearest.eq(g.y).to(torch::kDouble).mean().item<double>();
  EXPECT_GT(agree, 0.4);
  EXPECT_LT(agree, 0.98);
}

TEST(SyntheticGraph, TreesAreAcyclicGridsHaveSquaresCommunitiesHaveTriangles) {
  // Without the random SBM edges every part is exactly its structure.
  SyntheticGraphOptions o;
  o.intra_degree = 0;
  o.inter_degree = 0;
  torch::Tensor parts;
  const auto g = make_synthetic_graph(o, &parts);
  const auto a = dense_adjacency(g);
  const auto deg = a.sum(1);
  const auto tri = triangles(a);
  const auto tree = part_mask(parts, SyntheticPart::Tree), grid = part_mask(parts, SyntheticPart::Grid),
             comm = part_mask(parts, SyntheticPart::Community);
  EXPECT_EQ(g.y.index_select(0, g.edge_index[0]).ne(g.y.index_select(0, g.edge_index[1])).sum().item<int64_t>(), 0);
  for (int64_t k = 0; k < 5; ++k) {
    const auto in_class = g.y.eq(k);
    // A tree: 40 nodes, 39 edges among them, connected (so acyclic); 3-ary, depth 3.
    const auto t = (tree & in_class).nonzero().view(-1);
    const auto sub = a.index_select(0, t).index_select(1, t);
    EXPECT_EQ(sub.sum().item<double>() / 2, 39.0);
    auto reach = torch::zeros({40});
    reach[0] = 1;
    for (int step = 0; step < 40; ++step) reach = ((reach + sub.matmul(reach)) > 0).to(torch::kFloat);
    EXPECT_EQ(reach.sum().item<double>(), 40.0) << "class " << k;
    EXPECT_EQ(sub.sum(1).max().item<double>(), 4.0);  // parent + 3 children
    // The grid: 40 nodes in rows of 7 (5 full rows, then 5 nodes): 5 * 6 + 4 horizontal
    // and 33 vertical edges.
    const auto gi = (grid & in_class).nonzero().view(-1);
    EXPECT_EQ(a.index_select(0, gi).index_select(1, gi).sum().item<double>() / 2, 67.0);
  }
  EXPECT_EQ(tri.index({tree}).sum().item<double>(), 0.0);
  EXPECT_EQ(tri.index({grid}).sum().item<double>(), 0.0);
  // Squares: the two diagonals of each grid face are the only grid pairs with two common
  // neighbours; 4 * 6 + 4 faces per class, 4 ordered pairs per face.
  const auto common = a.matmul(a).index({grid}).index({torch::indexing::Slice(), grid});
  EXPECT_EQ(((common >= 2).sum() - (common.diagonal() >= 2).sum()).item<int64_t>(), 5 * 28 * 4);
  // Dense communities: clustering coefficient 2 t / (d (d - 1)) well above a sparse graph's.
  const auto d = deg.index({comm});
  const auto clustering = (2 * tri.index({comm}) / (d * (d - 1)).clamp_min(1)).mean().item<double>();
  EXPECT_GT(clustering, 0.5);
  // Degrees: tree leaves 1, grid interior 4, communities about 1 + 0.9 * 8 plus chain edges.
  EXPECT_EQ(deg.index({tree}).min().item<double>(), 1.0);
  EXPECT_EQ(deg.index({grid}).max().item<double>(), 4.0);  // the tied corners have 2 + 1
  EXPECT_GT(d.mean().item<double>(), 5.0);
}

TEST(SyntheticGraph, RandomEdgesLeaveTreesAndGridsIntact) {
  // The SBM edges join community nodes only: trees and grids keep their exact structure
  // (no triangles anywhere in them), the communities stay clustered.
  torch::Tensor parts, bare_parts;
  const auto g = make_synthetic_graph(SyntheticGraphOptions{}, &parts);
  SyntheticGraphOptions bare;
  bare.intra_degree = bare.inter_degree = 0;
  const auto h = make_synthetic_graph(bare, &bare_parts);
  EXPECT_GT(g.num_edges(), h.num_edges() + 2 * 100);
  const auto a = dense_adjacency(g);
  const auto tri = triangles(a), deg = a.sum(1);
  const auto tree = part_mask(parts, SyntheticPart::Tree), grid = part_mask(parts, SyntheticPart::Grid),
             comm = part_mask(parts, SyntheticPart::Community);
  EXPECT_EQ(tri.index({tree | grid}).sum().item<double>(), 0.0);
  EXPECT_EQ(deg.index({tree}).sum().item<double>(), 5 * (2 * 39 + 1));  // tree edges + the tie to the grid
  EXPECT_EQ(deg.index({grid}).sum().item<double>(), 5 * (2 * 67 + 2));  // grid edges + two ties
  const auto d = deg.index({comm});
  EXPECT_GT((2 * tri.index({comm}) / (d * (d - 1)).clamp_min(1)).mean().item<double>(), 0.4);
}

TEST(SyntheticGraph, SmallGraphsAndBadOptions) {
  SyntheticGraphOptions o;
  o.nodes = 120;
  o.classes = 3;
  o.features = 10;
  o.train_per_class = 5;
  o.val = 20;
  o.test = 20;
  const auto g = make_synthetic_graph(o);
  EXPECT_EQ(g.num_nodes(), 120);
  EXPECT_EQ(g.test_mask.sum().item<int64_t>(), 20);
  EXPECT_TRUE(undirected_simple(g.edge_index, 120));
  o.nodes = 17;  // uneven classes, parts of a few nodes
  o.train_per_class = 1;
  o.val = 3;
  o.test = -1;
  const auto s = make_synthetic_graph(o);
  EXPECT_TRUE(torch::equal(torch::bincount(s.y), torch::tensor({6, 6, 5})));
  EXPECT_TRUE(undirected_simple(s.edge_index, 17));
  o.nodes = 5;
  EXPECT_TRUE(throws_error_with([&] { make_synthetic_graph(o); }, {"synthetic graph", "synthetic.nodes=5 is too few"}));
  o.nodes = 120;
  o.tree_fraction = 0.8;
  EXPECT_TRUE(throws_error_with([&] { make_synthetic_graph(o); }, {"tree_fraction and grid_fraction"}));
}
