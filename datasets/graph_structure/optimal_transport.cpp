#include "datasets/graph_structure/optimal_transport.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

#include "core/util/error.h"
#include "datasets/graph_structure/quaternary_heap.h"

namespace moezoo::datasets::graph_structure {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

// Residual network: source i -> sink j with unbounded capacity and cost c_ij, and
// j -> i with capacity f_ij and cost -c_ij. Potentials p keep every residual arc's
// reduced cost c + p(tail) - p(head) >= 0; arcs carrying flow have reduced cost 0.
// Node ids: sources 0..m-1, sinks m..m+n-1, super sink m+n (levels only).

long double TransportSolver::solve(const std::vector<int64_t>& supply, const std::vector<int64_t>& demand,
                                   const std::vector<double>& cost) {
  check_input(cost.size() == supply.size() * demand.size(), "transport problem",
              "cost has " + std::to_string(cost.size()) + " entries for " + std::to_string(supply.size()) + " x " +
                  std::to_string(demand.size()));
  return solve(supply.data(), supply.size(), demand.data(), demand.size(), cost.data());
}

long double TransportSolver::solve(const int64_t* supply, size_t m, const int64_t* demand, size_t n,
                                   const double* cost) {
  m_ = m;
  n_ = n;
  cost_ = cost;
  phases_ = 0;
  // Validation builds no strings unless something is wrong: this runs once per edge.
  int64_t total_supply = 0, total_demand = 0;
  for (size_t i = 0; i < m; ++i) {
    if (supply[i] < 0) throw Error("transport problem: negative supply " + std::to_string(supply[i]));
    total_supply += supply[i];
  }
  for (size_t j = 0; j < n; ++j) {
    if (demand[j] < 0) throw Error("transport problem: negative demand " + std::to_string(demand[j]));
    total_demand += demand[j];
  }
  if (total_supply != total_demand)
    throw Error("transport problem: total supply " + std::to_string(total_supply) + " != total demand " +
                std::to_string(total_demand));
  for (size_t k = 0; k < m * n; ++k)
    if (!std::isfinite(cost[k])) throw Error("transport problem: non-finite cost at " + std::to_string(k));

  flow_.assign(m * n, 0);
  supply_left_.assign(supply, supply + m);
  demand_left_.assign(demand, demand + n);
  if (total_supply == 0) return 0.0L;
  potential_.assign(m + n, 0.0);
  // Sinks start at their column minimum, so every forward arc has reduced cost >= 0.
  for (size_t j = 0; j < n; ++j) {
    double lowest = kInf;
    for (size_t i = 0; i < m; ++i) lowest = std::min(lowest, cost[i * n + j]);
    potential_[m + j] = lowest;
  }
  distance_.resize(m + n);
  done_.resize(m + n);
  predecessor_.resize(m + n);
  level_.resize(m + n + 1);
  next_arc_.resize(m + n);
  heap_slot_.resize(m + n);

  int64_t left = total_supply;
  while (left > 0) {
    ++phases_;
    // Dijkstra over reduced costs from every source with supply left, stopped at the
    // first sink with demand left (distance `reach`).
    std::fill(distance_.begin(), distance_.end(), kInf);
    std::fill(done_.begin(), done_.end(), 0);
    // Indexed 4-ary heap of the discovered, unsettled vertices ordered by (distance, id),
    // with decrease-key: it settles them in the order a lazy heap of (distance, id) pairs
    // would, so the same distances, predecessors and stopping sink.
    size_t reached = m + n;
    double reach = kInf;
    heap_.clear();
    auto before = [&](size_t a, size_t b) {
      return distance_[a] < distance_[b] || (distance_[a] == distance_[b] && a < b);
    };
    auto moved = [&](size_t v, size_t slot) { heap_slot_[v] = slot; };
    auto sift_up = [&](size_t i, size_t v) { quaternary_sift_up(heap_, i, v, before, moved); };
    auto pop = [&]() { return quaternary_pop(heap_, before, moved); };
    auto improve = [&](size_t v, double nd, size_t from) {
      const bool queued = distance_[v] < kInf;
      distance_[v] = nd;
      predecessor_[v] = from;
      if (queued) {
        sift_up(heap_slot_[v], v);
      } else {
        heap_.push_back(v);
        sift_up(heap_.size() - 1, v);
      }
    };
    // The sources with supply left, at distance 0, come first in (distance, id) order
    // (sinks have larger ids): settle them in id order without the heap, then queue the
    // sinks they reach.
    for (size_t i = 0; i < m; ++i) {
      if (supply_left_[i] == 0) continue;
      distance_[i] = 0;
      done_[i] = 1;
      const double* row = cost + i * n;
      const double pi = potential_[i];
      for (size_t j = 0; j < n; ++j) {
        const double nd = 0.0 + std::max(0.0, row[j] + pi - potential_[m + j]);
        if (nd < distance_[m + j]) {
          distance_[m + j] = nd;
          predecessor_[m + j] = i;
        }
      }
    }
    for (size_t j = 0; j < n; ++j) {
      if (distance_[m + j] < kInf) {
        heap_.push_back(m + j);
        sift_up(heap_.size() - 1, m + j);
      }
    }
    while (!heap_.empty()) {
      const size_t v = pop();
      const double d = distance_[v];
      done_[v] = 1;
      if (v >= m && demand_left_[v - m] > 0) {
        reached = v;
        reach = d;
        break;
      }
      if (v < m) {
        const double* row = cost + v * n;
        const double pv = potential_[v];
        for (size_t j = 0; j < n; ++j) {
          // max(0, .): rounding may leave a tight arc at -1e-17 with real costs.
          const double nd = d + std::max(0.0, row[j] + pv - potential_[m + j]);
          if (nd < distance_[m + j]) improve(m + j, nd, v);
        }
      } else {
        const size_t j = v - m;
        for (size_t i = 0; i < m; ++i) {
          if (flow_[i * n + j] == 0) continue;
          const double nd = d + std::max(0.0, -(cost[i * n + j] + potential_[i] - potential_[v]));
          if (nd < distance_[i]) improve(i, nd, v);
        }
      }
    }
    // Forward arcs are uncapacitated, so a sink with demand left is always reachable.
    if (reached == m + n) throw std::logic_error("transport solver: no augmenting path (internal error)");
    for (size_t v = 0; v < m + n; ++v) potential_[v] += std::min(distance_[v], reach);

    // Maximum flow over arcs of zero reduced cost (all shortest augmenting paths).
    int64_t pushed = 0;
    while (build_levels()) {
      std::fill(next_arc_.begin(), next_arc_.end(), 0);
      int64_t round = 0;
      for (size_t i = 0; i < m; ++i) {
        while (supply_left_[i] > 0) {
          const int64_t got = push(i, supply_left_[i]);
          if (got == 0) break;
          supply_left_[i] -= got;
          round += got;
        }
      }
      if (round == 0) break;
      pushed += round;
    }
    if (pushed == 0) {
      // Only with real costs, where rounding can hide a tight arc: the Dijkstra path is
      // still a shortest path, so augmenting along it keeps the method exact.
      augment_along_predecessors(reached);
    }
    left = 0;
    for (size_t i = 0; i < m; ++i) left += supply_left_[i];
  }

  long double total = 0.0L;
  for (size_t k = 0; k < m * n; ++k) {
    if (flow_[k] != 0) total += static_cast<long double>(flow_[k]) * static_cast<long double>(cost[k]);
  }
  return total;
}

bool TransportSolver::build_levels() {
  const size_t m = m_, n = n_, sink = m + n;
  std::fill(level_.begin(), level_.end(), -1);
  queue_.clear();
  for (size_t i = 0; i < m; ++i) {
    if (supply_left_[i] > 0) {
      level_[i] = 1;
      queue_.push_back(i);
    }
  }
  for (size_t head = 0; head < queue_.size(); ++head) {
    const size_t v = queue_[head];
    // Levels at or past the super sink's lead nowhere Dinic's pushes go (they follow
    // levels up to the super sink's): once it has one, the rest can stay unlevelled.
    if (level_[sink] >= 0 && level_[v] >= level_[sink]) break;
    if (v < m) {
      for (size_t j = 0; j < n; ++j) {
        if (level_[m + j] < 0 && cost_[v * n + j] + potential_[v] - potential_[m + j] <= 0) {
          level_[m + j] = level_[v] + 1;
          queue_.push_back(m + j);
        }
      }
    } else {
      const size_t j = v - m;
      if (demand_left_[j] > 0 && level_[sink] < 0) level_[sink] = level_[v] + 1;
      for (size_t i = 0; i < m; ++i) {
        if (level_[i] < 0 && flow_[i * n + j] > 0 && cost_[i * n + j] + potential_[i] - potential_[v] >= 0) {
          level_[i] = level_[v] + 1;
          queue_.push_back(i);
        }
      }
    }
  }
  return level_[sink] >= 0;
}

int64_t TransportSolver::push(size_t v, int64_t limit) {
  const size_t m = m_, n = n_, sink = m + n;
  if (v < m) {
    for (size_t& j = next_arc_[v]; j < n; ++j) {
      const size_t w = m + j;
      if (level_[w] != level_[v] + 1 || cost_[v * n + j] + potential_[v] - potential_[w] > 0) continue;
      const int64_t got = push(w, limit);
      if (got > 0) {
        flow_[v * n + j] += got;
        return got;
      }
    }
    return 0;
  }
  const size_t j = v - m;
  // Arc 0 leads to the super sink, arc k >= 1 back to source k - 1.
  for (size_t& k = next_arc_[v]; k <= m; ++k) {
    if (k == 0) {
      if (demand_left_[j] > 0 && level_[sink] == level_[v] + 1) {
        const int64_t got = std::min(limit, demand_left_[j]);
        demand_left_[j] -= got;
        return got;
      }
      continue;
    }
    const size_t i = k - 1;
    const int64_t f = flow_[i * n + j];
    if (f == 0 || level_[i] != level_[v] + 1 || cost_[i * n + j] + potential_[i] - potential_[v] < 0) continue;
    const int64_t got = push(i, std::min(limit, f));
    if (got > 0) {
      flow_[i * n + j] -= got;
      return got;
    }
  }
  return 0;
}

void TransportSolver::augment_along_predecessors(size_t sink) {
  const size_t m = m_, n = n_;
  // Walk back to the source that started the path, finding the bottleneck.
  int64_t amount = demand_left_[sink - m];
  size_t v = sink;
  while (true) {
    if (v < m && distance_[v] == 0 && supply_left_[v] > 0) break;  // a start of the search
    const size_t u = predecessor_[v];
    if (v < m) amount = std::min(amount, flow_[v * n + (u - m)]);  // backward arc u(sink) -> v(source)
    v = u;
  }
  amount = std::min(amount, supply_left_[v]);
  const size_t start = v;
  v = sink;
  while (v != start) {
    const size_t u = predecessor_[v];
    if (v >= m) {
      flow_[u * n + (v - m)] += amount;  // forward arc u(source) -> v(sink)
    } else {
      flow_[v * n + (u - m)] -= amount;
    }
    v = u;
  }
  supply_left_[start] -= amount;
  demand_left_[sink - m] -= amount;
}

namespace {

/// Groups the rows of the row-major [rows, cols] matrix `cost` that are equal; writes the
/// merged matrix back into `cost` and the merged masses into `mass`. Returns the new row count.
size_t merge_rows(std::vector<int64_t>& mass, std::vector<double>& cost, size_t rows, size_t cols) {
  std::vector<size_t> order(rows);
  for (size_t i = 0; i < rows; ++i) order[i] = i;
  auto row = [&](size_t i) { return cost.data() + i * cols; };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::lexicographical_compare(row(a), row(a) + cols, row(b), row(b) + cols);
  });
  // Group representative: the smallest original index, so the output order is first appearance.
  std::vector<size_t> group_of(rows);
  for (size_t k = 0; k < rows; ++k) {
    const bool same = k > 0 && std::equal(row(order[k]), row(order[k]) + cols, row(order[k - 1]));
    group_of[order[k]] = same ? group_of[order[k - 1]] : order[k];
  }
  std::vector<size_t> slot(rows, rows);
  std::vector<int64_t> merged_mass;
  std::vector<double> merged_cost;
  for (size_t i = 0; i < rows; ++i) {
    const size_t g = group_of[i];
    if (slot[g] == rows) {
      slot[g] = merged_mass.size();
      merged_mass.push_back(0);
      merged_cost.insert(merged_cost.end(), row(g), row(g) + cols);
    }
    merged_mass[slot[g]] += mass[i];
  }
  mass.swap(merged_mass);
  cost.swap(merged_cost);
  return mass.size();
}

}  // namespace

void merge_identical_rows_and_columns(std::vector<int64_t>& supply, std::vector<int64_t>& demand,
                                      std::vector<double>& cost) {
  check_input(cost.size() == supply.size() * demand.size(), "transport problem", "cost shape does not match the masses");
  const size_t n = demand.size();
  const size_t m = merge_rows(supply, cost, supply.size(), n);
  // Columns: merge the rows of the transpose, then transpose back.
  std::vector<double> transposed(m * n);
  for (size_t i = 0; i < m; ++i)
    for (size_t j = 0; j < n; ++j) transposed[j * m + i] = cost[i * n + j];
  const size_t merged_n = merge_rows(demand, transposed, n, m);
  cost.resize(m * merged_n);
  for (size_t j = 0; j < merged_n; ++j)
    for (size_t i = 0; i < m; ++i) cost[i * merged_n + j] = transposed[j * m + i];
}

long double transport_cost(const std::vector<int64_t>& supply, const std::vector<int64_t>& demand,
                           const std::vector<double>& cost) {
  TransportSolver solver;
  return solver.solve(supply, demand, cost);
}

}  // namespace moezoo::datasets::graph_structure
