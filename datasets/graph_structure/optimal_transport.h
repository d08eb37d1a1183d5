#pragma once
/// Exact optimal transport (earth mover's distance) between two discrete measures
/// with integer masses: the transport problems of Ollivier-Ricci curvature.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace moezoo::datasets::graph_structure {

/// Minimum-cost transport between `m` sources and `n` sinks,
///   min sum_ij f_ij * cost_ij  s.t.  sum_j f_ij = supply_i, sum_i f_ij = demand_j, f_ij >= 0,
/// solved exactly by the primal-dual method (successive shortest paths with node
/// potentials, each Dijkstra phase followed by a maximum flow over every arc of zero
/// reduced cost, Dinic-style), on integer masses so that every flow is an exact
/// integer. With integer costs (hop distances) the whole computation is integer, and
/// phases number at most max cost - min cost + 1, which keeps graph-sized problems
/// (a few hundred nodes) to a handful of Dijkstra runs. Why not a floating-point
/// network simplex: rational masses (1 - alpha) / deg become exact integers over a common
/// denominator, so the optimum is exact rather than exact up to pivoting tolerances.
/// A solver object keeps its buffers between calls; one per thread.
class TransportSolver {
 public:
  /// Solves one problem; `cost` is row-major [m, n] and finite, masses are >= 0 with
  /// equal totals (Error otherwise). Returns the optimal total cost sum f_ij * cost_ij,
  /// accumulated in long double: exact when costs are integers and it is below 2^64.
  long double solve(const std::vector<int64_t>& supply, const std::vector<int64_t>& demand,
                    const std::vector<double>& cost);

  /// Same, on raw arrays (the hot path of Ollivier-Ricci).
  long double solve(const int64_t* supply, size_t m, const int64_t* demand, size_t n, const double* cost);

  /// The optimal plan f of the last solve, row-major [m, n].
  const std::vector<int64_t>& plan() const { return flow_; }

  /// Dijkstra phases of the last solve (for tests and benchmarks).
  int phases() const { return phases_; }

 private:
  bool build_levels();
  int64_t push(size_t v, int64_t limit);
  void augment_along_predecessors(size_t sink);

  size_t m_ = 0, n_ = 0;
  const double* cost_ = nullptr;
  std::vector<int64_t> flow_;               // [m, n]
  std::vector<int64_t> supply_left_;        // [m]
  std::vector<int64_t> demand_left_;        // [n]
  std::vector<double> potential_;           // [m + n]: sources, then sinks
  std::vector<double> distance_;            // [m + n]
  std::vector<uint8_t> done_;               // [m + n]
  std::vector<size_t> predecessor_;         // [m + n]
  std::vector<int> level_;                  // [m + n + 1]: the last entry is the super sink
  std::vector<size_t> next_arc_;            // [m + n]: Dinic's current-arc pointers
  std::vector<size_t> queue_;
  std::vector<size_t> heap_;                // queued vertices, an indexed 4-ary heap
  std::vector<size_t> heap_slot_;           // [m + n]: a queued vertex's slot in heap_
  int phases_ = 0;
};

/// Exact reduction before solving: sources with identical cost rows are interchangeable,
/// as are sinks with identical columns, so each group becomes one node holding the group's
/// total mass; the optimal cost is unchanged. Ollivier-Ricci problems at hubs shrink the
/// most: the many neighbours of a hub mostly see the few sinks at the same hop distances.
/// Rows keep their first-appearance order (deterministic). `cost` is row-major [m, n].
void merge_identical_rows_and_columns(std::vector<int64_t>& supply, std::vector<int64_t>& demand,
                                      std::vector<double>& cost);

/// Convenience: the optimal total cost of one problem.
long double transport_cost(const std::vector<int64_t>& supply, const std::vector<int64_t>& demand,
                           const std::vector<double>& cost);

}  // namespace moezoo::datasets::graph_structure
