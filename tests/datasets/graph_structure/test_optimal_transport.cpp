#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/util/error.h"
#include "datasets/graph_structure/optimal_transport.h"
#include "tests/datasets/graph_structure/reference_curvature.h"

using namespace moezoo;
using namespace moezoo::datasets::graph_structure;
using moezoo::testing::graph_structure::boost_transport_cost;

namespace {

/// LP-free brute force: the transport polytope with integer margins has integer vertices
/// (total unimodularity), so the minimum over all integer plans is the optimum.
void enumerate_plans(size_t k, size_t m, size_t n, std::vector<int64_t>& row_left, std::vector<int64_t>& col_left,
                     const std::vector<double>& cost, double so_far, double& best) {
  if (k == m * n) {
    best = std::min(best, so_far);
    return;
  }
  const size_t i = k / n, j = k % n;
  const int64_t most = std::min(row_left[i], col_left[j]);
  // The last cell of a row must take what is left of it; the last row must fill the columns.
  const bool forced_row = j == n - 1, forced_col = i == m - 1;
  for (int64_t f = 0; f <= most; ++f) {
    if (forced_row && f != row_left[i]) continue;
    if (forced_col && f != col_left[j]) continue;
    row_left[i] -= f;
    col_left[j] -= f;
    enumerate_plans(k + 1, m, n, row_left, col_left, cost, so_far + static_cast<double>(f) * cost[k], best);
    row_left[i] += f;
    col_left[j] += f;
  }
}

double brute_force(std::vector<int64_t> supply, std::vector<int64_t> demand, const std::vector<double>& cost) {
  double best = std::numeric_limits<double>::infinity();
  enumerate_plans(0, supply.size(), demand.size(), supply, demand, cost, 0.0, best);
  return best;
}

/// `count` positive masses summing to `total`.
std::vector<int64_t> random_masses(std::mt19937_64& rng, size_t count, int64_t total) {
  std::vector<int64_t> masses(count, 1);
  for (int64_t left = total - static_cast<int64_t>(count); left > 0; --left) ++masses[rng() % count];
  return masses;
}

void expect_plan_has_margins(const TransportSolver& solver, const std::vector<int64_t>& supply,
                             const std::vector<int64_t>& demand) {
  const auto& plan = solver.plan();
  for (size_t i = 0; i < supply.size(); ++i) {
    int64_t row = 0;
    for (size_t j = 0; j < demand.size(); ++j) {
      ASSERT_GE(plan[i * demand.size() + j], 0);
      row += plan[i * demand.size() + j];
    }
    ASSERT_EQ(row, supply[i]);
  }
  for (size_t j = 0; j < demand.size(); ++j) {
    int64_t col = 0;
    for (size_t i = 0; i < supply.size(); ++i) col += plan[i * demand.size() + j];
    ASSERT_EQ(col, demand[j]);
  }
}

}  // namespace

TEST(TransportSolver, SmallKnownProblems) {
  EXPECT_EQ(transport_cost({1, 1}, {1, 1}, {0, 2, 2, 0}), 0.0L);
  EXPECT_EQ(transport_cost({1, 1}, {1, 1}, {1, 2, 3, 1}), 2.0L);
  EXPECT_EQ(transport_cost({4}, {1, 3}, {2, 5}), 17.0L);
  EXPECT_EQ(transport_cost({0, 3}, {3, 0}, {9, 9, 1, 9}), 3.0L);
  EXPECT_EQ(transport_cost({0}, {0}, {7}), 0.0L);
  // Cheapest per-row choices conflict: the optimum must reroute through a reverse arc.
  EXPECT_EQ(transport_cost({2, 2}, {2, 2}, {1, 3, 1, 10}), 1 * 0 + 3 * 2 + 1 * 2 + 0.0L);
}

TEST(TransportSolver, BadProblemsAreErrors) {
  EXPECT_THROW(transport_cost({1, 1}, {1}, {1, 1}), Error);             // totals differ
  EXPECT_THROW(transport_cost({-1, 2}, {1}, {1, 1}), Error);            // negative mass
  EXPECT_THROW(transport_cost({1}, {1}, {std::nan("")}), Error);       // non-finite cost
  EXPECT_THROW(transport_cost({1}, {1}, {1.0, 2.0}), Error);            // cost shape
}

// Every integer plan enumerated: exact equality for integer costs (as hop distances are),
// 1e-12 for real costs.
TEST(TransportSolver, MatchesBruteForceOnTinyProblems) {
  std::mt19937_64 rng(11);
  TransportSolver solver;
  for (int trial = 0; trial < 300; ++trial) {
    const size_t m = 1 + rng() % 3, n = 1 + rng() % 3;
    const int64_t total = static_cast<int64_t>(std::max(m, n) + rng() % 5);
    const auto supply = random_masses(rng, m, total), demand = random_masses(rng, n, total);
    std::vector<double> cost(m * n);
    const bool integer = trial % 2 == 0;
    for (auto& c : cost) c = integer ? static_cast<double>(rng() % 4) : static_cast<double>(rng() % 1000) / 137.0;
    const long double got = solver.solve(supply, demand, cost);
    const double want = brute_force(supply, demand, cost);
    if (integer) {
      ASSERT_EQ(static_cast<double>(got), want) << "trial " << trial;
    } else {
      ASSERT_NEAR(static_cast<double>(got), want, 1e-12 * std::max(1.0, want)) << "trial " << trial;
    }
    expect_plan_has_margins(solver, supply, demand);
  }
}

// Larger problems, including the hub shape of Ollivier-Ricci (170 sources, 4 sinks) and
// masses of curvature size (~1e6 units), against Boost's cycle canceling.
TEST(TransportSolver, MatchesBoostMinCostFlow) {
  std::mt19937_64 rng(5);
  TransportSolver solver;
  const std::vector<std::pair<size_t, size_t>> shapes{{5, 7}, {20, 20}, {170, 4}, {3, 90}, {40, 35}};
  for (int trial = 0; trial < 10; ++trial) {  // every shape with integer and real costs
    const auto [m, n] = shapes[static_cast<size_t>(trial) % shapes.size()];
    const int64_t total = 1000000 + static_cast<int64_t>(rng() % 1000);
    const auto supply = random_masses(rng, m, total), demand = random_masses(rng, n, total);
    std::vector<double> cost(m * n);
    const bool integer = trial % 2 == 0;
    // Real costs as multiples of 1/64, exact in double, so that the reference's
    // Bellman-Ford sees no rounding.
    for (auto& c : cost) c = integer ? static_cast<double>(1 + rng() % 3) : 0.25 + static_cast<double>(rng() % 640) / 64.0;
    const long double got = solver.solve(supply, demand, cost);
    const double want = boost_transport_cost(supply, demand, cost);
    if (integer) {
      ASSERT_EQ(static_cast<double>(got), want) << "trial " << trial;
      // Integer costs in [1, 3]: at most 3 Dijkstra phases.
      EXPECT_LE(solver.phases(), 3) << "trial " << trial;
    } else {
      ASSERT_EQ(static_cast<double>(got), want) << "trial " << trial;  // exact: dyadic costs
    }
    expect_plan_has_margins(solver, supply, demand);
  }
}

// Merging interchangeable sources (identical rows) and sinks (identical columns) keeps the
// optimum; rows and columns keep their first-appearance order.
TEST(TransportSolver, MergingIdenticalRowsAndColumnsIsExact) {
  std::vector<int64_t> supply{1, 2, 3, 4}, demand{5, 1, 4};
  std::vector<double> cost{1, 2, 3,   // row 0
                           2, 2, 3,   // row 1
                           1, 2, 3,   // = row 0
                           2, 2, 3};  // = row 1
  const long double before = transport_cost(supply, demand, cost);
  merge_identical_rows_and_columns(supply, demand, cost);
  // Rows {0, 2} and {1, 3} merge; then columns 1 and 2 differ everywhere, 0 stays.
  EXPECT_EQ(supply, (std::vector<int64_t>{4, 6}));
  EXPECT_EQ(demand, (std::vector<int64_t>{5, 1, 4}));
  EXPECT_EQ(cost, (std::vector<double>{1, 2, 3, 2, 2, 3}));
  EXPECT_EQ(transport_cost(supply, demand, cost), before);

  std::mt19937_64 rng(17);
  for (int trial = 0; trial < 50; ++trial) {
    // Few distinct rows/columns among many: costs drawn from a small pattern set.
    const size_t m = 2 + rng() % 30, n = 2 + rng() % 6;
    std::vector<size_t> row_pattern(m), col_pattern(n);
    for (auto& r : row_pattern) r = rng() % 3;
    for (auto& c : col_pattern) c = rng() % 2;
    std::vector<double> c(m * n);
    for (size_t i = 0; i < m; ++i)
      for (size_t j = 0; j < n; ++j) c[i * n + j] = static_cast<double>(1 + (row_pattern[i] * 7 + col_pattern[j] * 3) % 4);
    const int64_t total = 1000 + static_cast<int64_t>(rng() % 100);
    auto s = random_masses(rng, m, total), d = random_masses(rng, n, total);
    const long double want = transport_cost(s, d, c);
    merge_identical_rows_and_columns(s, d, c);
    ASSERT_LE(s.size(), 3u);
    ASSERT_LE(d.size(), 2u);
    ASSERT_EQ(c.size(), s.size() * d.size());
    ASSERT_EQ(transport_cost(s, d, c), want) << "trial " << trial;
  }
}
