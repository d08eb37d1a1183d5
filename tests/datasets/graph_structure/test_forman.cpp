#include <gtest/gtest.h>

#include <vector>

#include "datasets/graph_structure/forman.h"

using namespace moezoo::datasets::graph_structure;

TEST(Forman, ClosedForms) {
  // K_5: 4 - 2 * 4 = -4; each edge lies in 3 triangles: -4 + 9 = 5 (= n).
  std::vector<Edge> k5;
  for (int64_t u = 0; u < 5; ++u)
    for (int64_t v = u + 1; v < 5; ++v) k5.push_back({u, v});
  const auto complete = forman_curvature(SimpleGraph::from_edges(5, k5));
  for (size_t e = 0; e < k5.size(); ++e) {
    EXPECT_EQ(complete.forman[e], -4.0);
    EXPECT_EQ(complete.augmented[e], 5.0);
  }
  // C_3: 0 and 0 + 3; C_6: 0 and 0.
  const auto c3 = forman_curvature(SimpleGraph::from_edges(3, {{0, 1}, {1, 2}, {2, 0}}));
  EXPECT_EQ(c3.forman, (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(c3.augmented, (std::vector<double>{3, 3, 3}));
  const auto c6 = forman_curvature(SimpleGraph::from_edges(6, {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 0}}));
  EXPECT_EQ(c6.augmented, std::vector<double>(6, 0.0));
  // Star with 4 leaves: 4 - 4 - 1 = -1, no triangles.
  const auto s = forman_curvature(SimpleGraph::from_edges(5, {{0, 1}, {0, 2}, {0, 3}, {0, 4}}));
  EXPECT_EQ(s.forman, std::vector<double>(4, -1.0));
  EXPECT_EQ(s.augmented, s.forman);
}

TEST(Forman, TrianglesPerEdge) {
  // Two triangles sharing edge {1, 2}: 0-1-2 and 1-2-3, plus a pendant 3-4.
  const auto g = SimpleGraph::from_edges(5, {{0, 1}, {0, 2}, {1, 2}, {1, 3}, {2, 3}, {3, 4}});
  EXPECT_EQ(edge_triangles(g), (std::vector<int64_t>{1, 1, 2, 1, 1, 0}));
  // Edge {1, 2}: deg 3 and 3, two triangles: 4 - 6 + 6 = 4.
  EXPECT_EQ(forman_curvature(g).augmented[2], 4.0);
  // Lengths are ignored.
  const auto weighted = SimpleGraph::from_edges(5, g.edges(), {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(forman_curvature(weighted).augmented, forman_curvature(g).augmented);
}
