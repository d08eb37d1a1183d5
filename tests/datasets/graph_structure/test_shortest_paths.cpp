#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "core/util/error.h"
#include "datasets/graph_structure/boost_graph.h"
#include "datasets/graph_structure/shortest_paths.h"
#include "tests/datasets/graph_structure/reference_curvature.h"

using namespace moezoo;
using namespace moezoo::datasets::graph_structure;
using moezoo::testing::graph_structure::boost_all_pairs;
using moezoo::testing::graph_structure::random_graph;

namespace {

/// Closed neighbourhood of v, sorted.
std::vector<Vertex> closed_neighbourhood(const BoostGraph& g, Vertex v) {
  auto [first, last] = neighbor_range(g, v);
  std::vector<Vertex> out(first, last);
  out.push_back(v);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

// The hop search relies on every pair of N[x] x N[y] being within 3 hops; compare it with
// Boost's BFS on every edge of graphs with hubs, in both orientations of the sets.
TEST(LocalDistances, HopWithinThreeMatchesBoostBfs) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    const auto graph = random_graph(seed, 60, 0.05, false);
    const auto b = make_boost_graph(graph);
    const auto all = boost_all_pairs(graph, false);
    const auto n = static_cast<size_t>(graph.num_nodes());
    LocalDistances local(b);
    for (const auto& e : graph.edges()) {
      const auto sx = closed_neighbourhood(b, static_cast<Vertex>(e.u));
      const auto sy = closed_neighbourhood(b, static_cast<Vertex>(e.v));
      std::vector<double> out(sx.size() * sy.size());
      local.hop_within_three(sx, sy, out.data());
      for (size_t i = 0; i < sx.size(); ++i)
        for (size_t j = 0; j < sy.size(); ++j) ASSERT_EQ(out[i * sy.size() + j], all[sx[i] * n + sy[j]]);
      std::vector<double> swapped(sx.size() * sy.size());
      local.hop_within_three(sy, sx, swapped.data());
      for (size_t i = 0; i < sy.size(); ++i)
        for (size_t j = 0; j < sx.size(); ++j) ASSERT_EQ(swapped[i * sx.size() + j], all[sy[i] * n + sx[j]]);
    }
  }
}

TEST(LocalDistances, WeightedMatchesBoostDijkstra) {
  const auto graph = random_graph(7, 50, 0.06, true);
  const auto b = make_boost_graph(graph);
  const auto all = boost_all_pairs(graph, true);
  const auto n = static_cast<size_t>(graph.num_nodes());
  LocalDistances local(b);
  for (const auto& e : graph.edges()) {
    const auto sx = closed_neighbourhood(b, static_cast<Vertex>(e.u));
    auto sy = closed_neighbourhood(b, static_cast<Vertex>(e.v));
    sy.push_back(static_cast<Vertex>((e.u * 7 + 3) % graph.num_nodes()));  // a farther target too
    std::sort(sy.begin(), sy.end());
    sy.erase(std::unique(sy.begin(), sy.end()), sy.end());
    std::vector<double> out(sx.size() * sy.size());
    local.weighted(sx, sy, out.data());
    for (size_t i = 0; i < sx.size(); ++i)
      for (size_t j = 0; j < sy.size(); ++j) ASSERT_NEAR(out[i * sy.size() + j], all[sx[i] * n + sy[j]], 1e-12);
    ASSERT_NEAR(local.weighted_pair(static_cast<Vertex>(e.u), static_cast<Vertex>(e.v)),
                all[static_cast<size_t>(e.u) * n + static_cast<size_t>(e.v)], 1e-12);
  }
}

// The shared search (begin_search / add_target / search / distance_to) finds bitwise
// the values of weighted() from the same source, for targets within its cutoff.
TEST(LocalDistances, SharedSearchEqualsWeightedBitwise) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> length(0.1, 3.0);
  const auto base = random_graph(5, 80, 0.04, false);
  std::vector<double> lengths;
  for (size_t e = 0; e < base.edges().size(); ++e) lengths.push_back(length(rng));
  const auto graph = SimpleGraph::from_edges(base.num_nodes(), base.edges(), lengths);
  const auto b = make_boost_graph(graph);
  LocalDistances local(b), shared(b);
  for (Vertex s = 0; s < static_cast<Vertex>(graph.num_nodes()); ++s) {
    std::vector<Vertex> targets;
    for (Vertex t = 0; t < static_cast<Vertex>(graph.num_nodes()); ++t)
      if (t != s && rng() % 4 == 0) targets.push_back(t);
    for (double cutoff : {2.0, 5.0, std::numeric_limits<double>::infinity()}) {
      std::vector<double> want(targets.size());
      local.weighted({s}, targets, want.data(), cutoff);
      shared.begin_search();
      size_t count = 0;
      for (Vertex t : targets) count += shared.add_target(t) ? 1 : 0;
      EXPECT_FALSE(targets.empty() || shared.add_target(targets[0]));
      shared.search(s, count, cutoff);
      for (size_t j = 0; j < targets.size(); ++j) {
        const double d = shared.distance_to(targets[j]);
        EXPECT_EQ(d <= cutoff ? d : std::numeric_limits<double>::infinity(), want[j]) << s << " " << targets[j];
      }
    }
  }
}

TEST(LocalDistances, UnreachableIsInfinite) {
  const auto graph = SimpleGraph::from_edges(4, {{0, 1}, {2, 3}}, {1.0, 2.0});
  const auto b = make_boost_graph(graph);
  LocalDistances local(b);
  std::vector<double> out(2);
  local.weighted({0}, {1, 3}, out.data());
  EXPECT_EQ(out[0], 1.0);
  EXPECT_EQ(out[1], std::numeric_limits<double>::infinity());
  EXPECT_EQ(local.weighted_pair(3, 0), std::numeric_limits<double>::infinity());
}

TEST(DistanceKind, ParsesNames) {
  EXPECT_EQ(parse_distance_kind("hop"), DistanceKind::kHop);
  EXPECT_EQ(parse_distance_kind("weighted"), DistanceKind::kWeighted);
  EXPECT_EQ(to_string(DistanceKind::kWeighted), "weighted");
  try {
    parse_distance_kind("euclid", "--distance");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--distance"), std::string::npos);
  }
}
