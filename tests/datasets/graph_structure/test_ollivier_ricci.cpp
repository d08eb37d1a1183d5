#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "core/util/error.h"
#include "datasets/graph_structure/ollivier_ricci.h"
#include "tests/datasets/graph_structure/reference_curvature.h"

using namespace moezoo;
using namespace moezoo::datasets::graph_structure;
using moezoo::testing::graph_structure::random_graph;
using moezoo::testing::graph_structure::reference_ollivier_ricci;

namespace {

SimpleGraph complete_graph(int64_t n) {
  std::vector<Edge> edges;
  for (int64_t u = 0; u < n; ++u)
    for (int64_t v = u + 1; v < n; ++v) edges.push_back({u, v});
  return SimpleGraph::from_edges(n, edges);
}

SimpleGraph cycle(int64_t n) {
  std::vector<Edge> edges;
  for (int64_t v = 0; v < n; ++v) edges.push_back({v, (v + 1) % n});
  return SimpleGraph::from_edges(n, edges);
}

/// Centre 0 joined to leaves 1..k.
SimpleGraph star(int64_t k) {
  std::vector<Edge> edges;
  for (int64_t v = 1; v <= k; ++v) edges.push_back({0, v});
  return SimpleGraph::from_edges(k + 1, edges);
}

std::vector<double> orc(const SimpleGraph& g, double alpha, DistanceKind kind = DistanceKind::kHop, int threads = 1) {
  OllivierRicciOptions options;
  options.alpha = alpha;
  options.distance = kind;
  options.threads = threads;
  return ollivier_ricci(g, options);
}

const std::vector<double> kAlphas{0.0, 0.1, 0.25, 1.0 / 3.0, 0.5, 0.9, 1.0};
constexpr double kTight = 1e-15;  // the values are exact rationals rounded once

}  // namespace

// K_n: m_x and m_y agree except at x and y, where alpha and beta = (1 - alpha) / (n - 1)
// swap, so W1 = |alpha - beta| * d(x, y) and kappa = 1 - |alpha - beta|;
// alpha = 0 gives the classical (n - 2) / (n - 1).
TEST(OllivierRicci, CompleteGraphClosedForm) {
  for (int64_t n : {2, 3, 4, 5, 8}) {
    for (double alpha : kAlphas) {
      const double beta = (1 - alpha) / static_cast<double>(n - 1);
      for (double kappa : orc(complete_graph(n), alpha)) ASSERT_NEAR(kappa, 1 - std::fabs(alpha - beta), kTight) << n;
    }
    EXPECT_NEAR(orc(complete_graph(n), 0.0)[0], static_cast<double>(n - 2) / static_cast<double>(n - 1), kTight);
  }
}

// Cycles (solving the 2x2 transport problems by hand, beta = (1 - alpha) / 2):
// C_n, n >= 6: kappa = 0 for every alpha (mass moves one step each way);
// C_5: kappa = alpha for alpha <= 1/3, (1 - alpha) / 2 above (the far pair is 2 apart);
// C_4: kappa = 2 alpha for alpha <= 1/3, 1 - alpha above (the far pair is adjacent);
// C_3 = K_3.
TEST(OllivierRicci, CycleClosedForms) {
  for (double alpha : kAlphas) {
    for (int64_t n : {6, 7, 10}) {
      for (double kappa : orc(cycle(n), alpha)) ASSERT_NEAR(kappa, 0.0, kTight) << "C_" << n << " alpha " << alpha;
    }
    const double c5 = alpha <= 1.0 / 3.0 ? alpha : (1 - alpha) / 2;
    const double c4 = alpha <= 1.0 / 3.0 ? 2 * alpha : 1 - alpha;
    const double c3 = 1 - std::fabs(alpha - (1 - alpha) / 2);
    for (double kappa : orc(cycle(5), alpha)) ASSERT_NEAR(kappa, c5, kTight) << alpha;
    for (double kappa : orc(cycle(4), alpha)) ASSERT_NEAR(kappa, c4, kTight) << alpha;
    for (double kappa : orc(cycle(3), alpha)) ASSERT_NEAR(kappa, c3, kTight) << alpha;
  }
}

// Star with k leaves, edge (centre, leaf): the leaf's mass 1 - alpha sits on the centre,
// the other leaves' mass must reach the centre (1 step) or the leaf (2 steps). Solving:
// kappa = 2 alpha for alpha <= 1 / (k + 1), 2 (1 - alpha) / k above. k = 1 is K_2.
TEST(OllivierRicci, StarClosedForm) {
  for (int64_t k : {1, 2, 3, 5, 9}) {
    for (double alpha : kAlphas) {
      const double want = alpha <= 1.0 / static_cast<double>(k + 1) ? 2 * alpha : 2 * (1 - alpha) / static_cast<double>(k);
      for (double kappa : orc(star(k), alpha)) ASSERT_NEAR(kappa, want, kTight) << "k " << k << " alpha " << alpha;
    }
  }
}

// Trees with alpha = 0 (Jost & Liu 2014): kappa(x, y) = -2 (1 - 1/deg x - 1/deg y)_+,
// since neighbours other than the endpoints are 3 apart and nothing shortcuts.
TEST(OllivierRicci, TreeClosedFormAtAlphaZero) {
  std::vector<Edge> edges;
  std::mt19937_64 rng(3);
  for (int64_t v = 1; v < 80; ++v) edges.push_back({static_cast<int64_t>(rng() % static_cast<uint64_t>(v)), v});
  const auto tree = SimpleGraph::from_edges(80, edges);
  const auto degrees = tree.degrees();
  const auto kappa = orc(tree, 0.0);
  for (size_t e = 0; e < kappa.size(); ++e) {
    const auto dx = static_cast<double>(degrees[static_cast<size_t>(tree.edges()[e].u)]);
    const auto dy = static_cast<double>(degrees[static_cast<size_t>(tree.edges()[e].v)]);
    ASSERT_NEAR(kappa[e], -2 * std::max(0.0, 1 - 1 / dx - 1 / dy), kTight);
  }
}

// Random graphs with hubs against the definition solved by Boost's min-cost flow (the
// full transport problem, another common denominator, another graph type).
TEST(OllivierRicci, MatchesBoostMinCostFlowReference) {
  const std::vector<std::pair<int64_t, int64_t>> alphas{{1, 2}, {0, 1}, {1, 10}, {3, 4}, {1, 3}};
  for (uint64_t seed : {1u, 2u}) {
    const auto graph = random_graph(seed, 45, 0.08, false);
    for (const auto& [p, q] : alphas) {
      const auto got = orc(graph, static_cast<double>(p) / static_cast<double>(q));
      const auto want = reference_ollivier_ricci(graph, p, q, false);
      for (size_t e = 0; e < got.size(); ++e) ASSERT_NEAR(got[e], want[e], 1e-12) << "seed " << seed << " edge " << e;
    }
  }
}

TEST(OllivierRicci, WeightedDistanceMatchesReference) {
  const auto graph = random_graph(4, 40, 0.08, true);
  for (const auto& [p, q] : std::vector<std::pair<int64_t, int64_t>>{{1, 2}, {0, 1}}) {
    const auto got = orc(graph, static_cast<double>(p) / static_cast<double>(q), DistanceKind::kWeighted);
    const auto want = reference_ollivier_ricci(graph, p, q, true);
    for (size_t e = 0; e < got.size(); ++e) ASSERT_NEAR(got[e], want[e], 1e-12) << "edge " << e;
  }
  // With unit lengths the weighted metric is the hop metric.
  const auto unit = random_graph(4, 40, 0.08, false);
  EXPECT_EQ(orc(unit, 0.5, DistanceKind::kWeighted), orc(unit, 0.5, DistanceKind::kHop));
}

// d(x, y) is the graph distance: a long edge with a short detour is measured by the detour.
TEST(OllivierRicci, WeightedUsesShortestPathAsDenominator) {
  // Triangle 0-1-2 where the edge {0, 1} is longer (5) than the path 0-2-1 (2).
  const auto g = SimpleGraph::from_edges(3, {{0, 1}, {1, 2}, {0, 2}}, {5.0, 1.0, 1.0});
  const auto got = orc(g, 0.5, DistanceKind::kWeighted);
  const auto want = reference_ollivier_ricci(g, 1, 2, true);
  EXPECT_NEAR(got[0], want[0], 1e-14);
  // By hand: m_0 = {0: 1/2, 1: 1/4, 2: 1/4}, m_1 = {1: 1/2, 0: 1/4, 2: 1/4}; W1 moves 1/4
  // from 0 to 1 over distance 2: W1 = 1/2, kappa = 1 - (1/2) / 2 = 3/4.
  EXPECT_NEAR(got[0], 0.75, kTight);
}

TEST(OllivierRicci, BitwiseIdenticalForAnyThreadCount) {
  const auto graph = random_graph(9, 300, 0.02, false);
  const auto one = orc(graph, 0.5, DistanceKind::kHop, 1);
  for (int threads : {2, 3, 0}) EXPECT_EQ(orc(graph, 0.5, DistanceKind::kHop, threads), one) << threads;
  const auto weighted = random_graph(9, 120, 0.03, true);
  EXPECT_EQ(orc(weighted, 0.25, DistanceKind::kWeighted, 3), orc(weighted, 0.25, DistanceKind::kWeighted, 1));
}

// Weighted mode shares one Dijkstra per start vertex among all edges of a block; the
// reference path (weighted_block_entries = 0) is the previous implementation, separate
// searches for every edge. Real lengths (not multiples of a power of two) make every
// distance depend on its summation order, so equality shows each cost is found from the
// same source along the same paths; blocks of one edge up to the whole graph and several
// thread counts show the results do not depend on how the edges are grouped or scheduled.
TEST(OllivierRicci, WeightedBlocksMatchPerEdgeReferenceBitwise) {
  for (uint64_t seed : {3u, 17u, 29u}) {
    std::mt19937_64 rng(seed);
    const int64_t n = 60 + static_cast<int64_t>(rng() % 90);
    std::vector<Edge> edges;
    std::vector<double> lengths;
    // Two components (ids interleaved), each a random tree plus random chords and one hub.
    for (int64_t v = 2; v < n; ++v) edges.push_back({static_cast<int64_t>(rng() % static_cast<uint64_t>(v / 2)) * 2 + v % 2, v});
    for (int k = 0; k < static_cast<int>(n); ++k) {
      const auto u = static_cast<int64_t>(rng() % static_cast<uint64_t>(n));
      const auto v = static_cast<int64_t>(rng() % static_cast<uint64_t>(n));
      if (u != v && u % 2 == v % 2) edges.push_back({u, v});
    }
    for (int64_t v = 4; v < n; v += 4) edges.push_back({0, v});
    for (auto& e : edges)
      if (e.u > e.v) std::swap(e.u, e.v);
    std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.u != b.u ? a.u < b.u : a.v < b.v; });
    edges.erase(std::unique(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.u == b.u && a.v == b.v; }),
                edges.end());
    std::uniform_real_distribution<double> length(0.1, 3.0);
    for (size_t e = 0; e < edges.size(); ++e) lengths.push_back(seed == 29u && e % 3 == 0 ? 1.0 : length(rng));
    const auto graph = SimpleGraph::from_edges(n, edges, lengths);
    for (double alpha : {0.0, 0.25, 0.5, 1.0 / 3.0}) {
      OllivierRicciOptions options;
      options.alpha = alpha;
      options.distance = DistanceKind::kWeighted;
      options.weighted_block_entries = 0;
      const auto reference = ollivier_ricci(graph, options);
      for (int64_t block : {int64_t{1}, int64_t{200}, int64_t{1} << 22}) {
        for (int threads : {1, 2, 3}) {
          options.weighted_block_entries = block;
          options.threads = threads;
          EXPECT_EQ(ollivier_ricci(graph, options), reference)
              << "seed " << seed << " alpha " << alpha << " block " << block << " threads " << threads;
        }
      }
    }
  }
}

TEST(OllivierRicci, NodeCurvatureIsTheMeanOfIncidentEdges) {
  // Path 0-1-2 plus an isolated node 3.
  const auto g = SimpleGraph::from_edges(4, {{0, 1}, {1, 2}});
  const auto node = node_curvature(g, {0.5, -1.0});
  EXPECT_EQ(node, (std::vector<double>{0.5, -0.25, -1.0, 0.0}));
  EXPECT_THROW(node_curvature(g, {1.0}), Error);
}

TEST(OllivierRicci, ExactAlpha) {
  auto same = [](Fraction f, int64_t num, int64_t den) { return f.num == num && f.den == den; };
  EXPECT_TRUE(same(exact_alpha(0.5), 1, 2));
  EXPECT_TRUE(same(exact_alpha(0.0), 0, 1));
  EXPECT_TRUE(same(exact_alpha(1.0), 1, 1));
  EXPECT_TRUE(same(exact_alpha(0.1), 1, 10));
  EXPECT_TRUE(same(exact_alpha(1.0 / 3.0), 1, 3));
  EXPECT_TRUE(same(exact_alpha(0.123456), 1929, 15625));
  EXPECT_TRUE(same(exact_alpha(0.999999), 999999, 1000000));
  EXPECT_THROW(exact_alpha(-0.1), Error);
  EXPECT_THROW(exact_alpha(1.5), Error);
  EXPECT_THROW(exact_alpha(std::nan("")), Error);
  EXPECT_THROW(exact_alpha(0.123456789), Error);  // denominator 10^9
  EXPECT_THROW(exact_alpha(0.3141592653589793), Error);  // pi / 10
  OllivierRicciOptions bad;
  bad.threads = -1;
  EXPECT_THROW(ollivier_ricci(cycle(5), bad), Error);
}
