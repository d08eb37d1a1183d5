#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "core/util/error.h"
#include "datasets/graph_structure/boost_graph.h"
#include "datasets/graph_structure/simple_graph.h"

using namespace moezoo;
using namespace moezoo::datasets::graph_structure;

TEST(SimpleGraph, MergesDirectionsRepeatsAndDropsSelfLoops) {
  // A PyG-style edge_index: both directions, one repeat, one self loop.
  const std::vector<int64_t> src{0, 1, 1, 2, 2, 3, 3, 0, 2};
  const std::vector<int64_t> dst{1, 0, 2, 1, 2, 0, 0, 3, 1};
  const auto g = SimpleGraph::from_directed_pairs(5, src.data(), dst.data(), static_cast<int64_t>(src.size()));
  EXPECT_EQ(g.num_nodes(), 5);
  ASSERT_EQ(g.num_edges(), 3);
  EXPECT_EQ(g.edges()[0], (Edge{0, 1}));
  EXPECT_EQ(g.edges()[1], (Edge{0, 3}));
  EXPECT_EQ(g.edges()[2], (Edge{1, 2}));
  EXPECT_FALSE(g.weighted());
  EXPECT_EQ(g.weight(1), 1.0);
  EXPECT_EQ(g.degrees(), (std::vector<int64_t>{2, 2, 1, 1, 0}));
  EXPECT_EQ(g.find_edge(3, 0), 1);
  EXPECT_EQ(g.find_edge(2, 3), -1);
  // Mapping the directed pairs back onto undirected edge ids (self loops -> -1).
  EXPECT_EQ(g.edge_ids(src.data(), dst.data(), static_cast<int64_t>(src.size())),
            (std::vector<int64_t>{0, 0, 2, 2, -1, 1, 1, 1, 2}));
}

TEST(SimpleGraph, WeightsFollowTheirEdges) {
  const auto g = SimpleGraph::from_edges(4, {{2, 3}, {1, 0}, {3, 2}}, {0.5, 2.0, 0.5});
  ASSERT_EQ(g.num_edges(), 2);
  EXPECT_TRUE(g.weighted());
  EXPECT_EQ(g.edges()[0], (Edge{0, 1}));
  EXPECT_EQ(g.weight(0), 2.0);
  EXPECT_EQ(g.weight(1), 0.5);
}

TEST(SimpleGraph, BadInputNamesTheSource) {
  const std::vector<int64_t> src{0, 5}, dst{1, 1};
  try {
    SimpleGraph::from_directed_pairs(3, src.data(), dst.data(), 2, nullptr, "cora.npz:edge_index");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cora.npz:edge_index"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(5, 1)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(SimpleGraph::from_edges(3, {{0, 1}, {1, 0}}, {1.0, 2.0}), Error);  // conflicting lengths
  EXPECT_THROW(SimpleGraph::from_edges(3, {{0, 1}}, {0.0}), Error);
  EXPECT_THROW(SimpleGraph::from_edges(3, {{0, 1}}, {std::numeric_limits<double>::quiet_NaN()}), Error);
  EXPECT_THROW(SimpleGraph::from_edges(3, {{0, 1}}, {1.0, 1.0}), Error);  // one length per edge
  EXPECT_THROW(SimpleGraph::from_edges(-1, {}), Error);
  const auto g = SimpleGraph::from_edges(3, {{0, 1}});
  const std::vector<int64_t> a{1}, b{2};
  EXPECT_THROW(g.edge_ids(a.data(), b.data(), 1), Error);
}

TEST(BoostGraph, SortedNeighboursAndArcProperties) {
  const auto g = SimpleGraph::from_edges(5, {{3, 1}, {0, 3}, {1, 0}, {3, 4}}, {1.5, 2.5, 3.5, 4.5});
  const auto b = make_boost_graph(g);
  EXPECT_EQ(num_vertices(b), 5u);
  EXPECT_EQ(num_edges(b), 8u);
  const auto [first, last] = neighbor_range(b, 3);
  EXPECT_EQ(std::vector<Vertex>(first, last), (std::vector<Vertex>{0, 1, 4}));
  EXPECT_EQ(degree(b, 3), 3u);
  EXPECT_EQ(degree(b, 2), 0u);
  // Arc 3 -> 1 belongs to edge {1, 3} (index 1 in the sorted edge list) with length 1.5.
  EXPECT_EQ(arc_property(b, 3, 1).edge, g.find_edge(1, 3));
  EXPECT_EQ(arc_property(b, 3, 1).weight, 1.5);
  EXPECT_EQ(arc_property(b, 3, 2).weight, 4.5);
  // Boost's own iteration agrees with the raw view.
  std::vector<Vertex> via_boost;
  for (auto [v, end] = adjacent_vertices(Vertex{3}, b); v != end; ++v) via_boost.push_back(*v);
  EXPECT_EQ(via_boost, (std::vector<Vertex>{0, 1, 4}));
}
