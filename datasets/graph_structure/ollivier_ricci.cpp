#include "datasets/graph_structure/ollivier_ricci.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <numeric>
#include <thread>
#include <utility>

#include "core/util/error.h"
#include "datasets/graph_structure/boost_graph.h"
#include "datasets/graph_structure/number_text.h"
#include "datasets/graph_structure/optimal_transport.h"
#include "datasets/graph_structure/shortest_paths.h"

namespace moezoo::datasets::graph_structure {

Fraction exact_alpha(double alpha) {
  check_input(std::isfinite(alpha) && alpha >= 0.0 && alpha <= 1.0, "alpha",
              "must lie in [0, 1], got " + number_text(alpha));
  constexpr int64_t kMaxDenominator = 1000000;
  const double tolerance = std::ldexp(1.0, -50);
  // Convergents h/k of the continued fraction of alpha: the best approximations for
  // their denominator size, so the first one within tolerance is the intended fraction.
  int64_t h_prev = 1, h_prev2 = 0, k_prev = 0, k_prev2 = 1;
  double x = alpha;
  for (int step = 0; step < 64; ++step) {
    const double whole = std::floor(x);
    if (whole > static_cast<double>(kMaxDenominator)) break;  // next convergent is far beyond the limit
    const auto a = static_cast<int64_t>(whole);
    const int64_t h = a * h_prev + h_prev2, k = a * k_prev + k_prev2;
    if (k > kMaxDenominator) break;
    if (std::fabs(alpha - static_cast<double>(h) / static_cast<double>(k)) <= tolerance) {
      const int64_t g = std::gcd(h, k);
      return {h / g, k / g};
    }
    h_prev2 = h_prev;
    h_prev = h;
    k_prev2 = k_prev;
    k_prev = k;
    const double fraction = x - whole;
    if (fraction <= 0) break;
    x = 1.0 / fraction;
  }
  throw Error("alpha: " + number_text(alpha) +
              " is not a fraction p/q with q <= 1000000 (the transport is solved exactly in integers); round it");
}

namespace {

/// One edge's weighted transport problem, kept while its block's shared searches fill
/// the cost matrix (ollivier_ricci_weighted below).
struct WeightedProblem {
  Vertex x = 0, y = 0;
  bool trivial = false;       ///< m_x == m_y: kappa = 1, no transport
  bool from_sources = false;  ///< the searches start at the sources (else at the sinks)
  double cutoff = 0;          ///< weighted_cutoff(): costs beyond it are +infinity
  int64_t denominator = 1;
  std::vector<Vertex> sources, sinks;
  std::vector<int64_t> supply, demand;
  std::vector<double> cost;  ///< [sources, sinks]
};

/// Per-thread state for the curvature of single edges.
class EdgeWorker {
 public:
  EdgeWorker(const BoostGraph& graph, Fraction alpha, DistanceKind kind)
      : graph_(graph), alpha_(alpha), kind_(kind), distances_(graph) {
    const size_t n = num_vertices(graph);
    net_.assign(n, 0);
    seen_.assign(n, 0);
    if (kind == DistanceKind::kWeighted) {
      bound_x_.assign(n, 0.0);
      bound_y_.assign(n, 0.0);
    }
  }

  double curvature(Vertex x, Vertex y) {
    const int64_t denominator = build_problem(x, y);
    if (sources_.empty()) return 1.0;  // m_x == m_y (e.g. a lone edge with alpha = 1/2)

    cost_.resize(sources_.size() * sinks_.size());
    double d_xy = 1.0;
    if (kind_ == DistanceKind::kHop) {
      distances_.hop_within_three(sources_, sinks_, cost_.data());
    } else {
      const double w_xy = edge_length(x, y);
      const double cutoff = weighted_cutoff(x, y, w_xy);
      distances_.weighted(sources_, sinks_, cost_.data(), cutoff);
      // The denominator is the graph distance, at most the edge's own length.
      d_xy = distances_.weighted_pair(x, y, w_xy * (1 + 1e-9));
    }
    return solve(denominator, d_xy, supply_, demand_, cost_);
  }

  /// Weighted mode, step 1: the problem of edge {x, y} without its costs (+infinity).
  void prepare_weighted(Vertex x, Vertex y, WeightedProblem& p) {
    p.x = x;
    p.y = y;
    p.denominator = build_problem(x, y);
    p.trivial = sources_.empty();
    if (p.trivial) return;
    p.cutoff = weighted_cutoff(x, y, edge_length(x, y));
    std::swap(p.sources, sources_);  // swaps keep every buffer's capacity in use
    std::swap(p.sinks, sinks_);
    std::swap(p.supply, supply_);
    std::swap(p.demand, demand_);
    // LocalDistances::weighted's orientation: from the smaller set (sources on a tie).
    p.from_sources = p.sources.size() <= p.sinks.size();
    p.cost.assign(p.sources.size() * p.sinks.size(), std::numeric_limits<double>::infinity());
  }

  /// Weighted mode, step 2: one Dijkstra from `source` fills its row (or column) of every
  /// problem in `uses` (pairs problem index, position of `source` among its starts), each
  /// cost kept only within that problem's cutoff, as LocalDistances::weighted would.
  void fill_costs(Vertex source, const std::pair<uint32_t, uint32_t>* uses, size_t num_uses,
                  std::vector<WeightedProblem>& problems) {
    distances_.begin_search();
    size_t targets = 0;
    double radius = 0;
    for (size_t u = 0; u < num_uses; ++u) {
      const WeightedProblem& p = problems[uses[u].first];
      for (Vertex t : p.from_sources ? p.sinks : p.sources) targets += distances_.add_target(t) ? 1 : 0;
      radius = std::max(radius, p.cutoff);
    }
    distances_.search(source, targets, radius);
    for (size_t u = 0; u < num_uses; ++u) {
      WeightedProblem& p = problems[uses[u].first];
      const size_t a = uses[u].second, columns = p.sinks.size();
      const auto& ends = p.from_sources ? p.sinks : p.sources;
      for (size_t b = 0; b < ends.size(); ++b) {
        const double d = distances_.distance_to(ends[b]);
        if (d <= p.cutoff) p.cost[p.from_sources ? a * columns + b : b * columns + a] = d;
      }
    }
  }

  /// Weighted mode, step 3: kappa of a problem whose costs are filled.
  double finish_weighted(WeightedProblem& p) {
    if (p.trivial) return 1.0;
    // The denominator is the graph distance, at most the edge's own length.
    const double d_xy = distances_.weighted_pair(p.x, p.y, edge_length(p.x, p.y) * (1 + 1e-9));
    return solve(p.denominator, d_xy, p.supply, p.demand, p.cost);
  }

 private:
  /// Fills support_, sources_/supply_ and sinks_/demand_ with the signed mass m_x - m_y
  /// of edge {x, y} in exact integer units; returns their denominator.
  int64_t build_problem(Vertex x, Vertex y) {
    const BoostGraph& g = graph_;
    const auto dx = static_cast<int64_t>(degree(g, x)), dy = static_cast<int64_t>(degree(g, y));
    // Masses in units of 1 / (q * lcm(dx, dy)): alpha = p/q at the centre, (q - p) / (q * d)
    // on each neighbour, all exact integers.
    const int64_t lcm = std::lcm(dx, dy);
    if (lcm > (int64_t{1} << 61) / alpha_.den)
      throw Error("ollivier_ricci: edge (" + std::to_string(x) + ", " + std::to_string(y) + "): degrees " +
                  std::to_string(dx) + " and " + std::to_string(dy) + " with alpha = " + std::to_string(alpha_.num) +
                  "/" + std::to_string(alpha_.den) + " exceed exact 64-bit masses");
    const int64_t denominator = alpha_.den * lcm;
    const int64_t centre = alpha_.num * lcm;
    const int64_t spread_x = (alpha_.den - alpha_.num) * (lcm / dx);
    const int64_t spread_y = (alpha_.den - alpha_.num) * (lcm / dy);

    // Signed mass m_x - m_y on the union of the closed neighbourhoods. For a metric
    // cost, W1(mu, nu) depends only on mu - nu (Kantorovich-Rubinstein), so mass common
    // to both measures stays in place and the transport runs between the positive and
    // negative parts: smaller problems, with disjoint source and sink sets.
    support_.clear();
    if (++generation_ == 0) {  // wrapped: clear once so stale stamps cannot match
      std::fill(seen_.begin(), seen_.end(), 0);
      generation_ = 1;
    }
    auto add = [&](Vertex v, int64_t mass) {
      if (seen_[v] != generation_) {
        seen_[v] = generation_;
        support_.push_back(v);
      }
      net_[v] += mass;
    };
    add(x, centre);
    for (auto [w, end] = neighbor_range(g, x); w != end; ++w) add(*w, spread_x);
    add(y, -centre);
    for (auto [w, end] = neighbor_range(g, y); w != end; ++w) add(*w, -spread_y);
    sources_.clear();
    sinks_.clear();
    supply_.clear();
    demand_.clear();
    for (Vertex v : support_) {
      if (net_[v] > 0) {
        sources_.push_back(v);
        supply_.push_back(net_[v]);
      } else if (net_[v] < 0) {
        sinks_.push_back(v);
        demand_.push_back(-net_[v]);
      }
      net_[v] = 0;
    }
    return denominator;
  }

  double solve(int64_t denominator, double d_xy, std::vector<int64_t>& supply, std::vector<int64_t>& demand,
               std::vector<double>& cost) {
    // Worth its sorting only on larger problems (hub edges), where it shrinks them most.
    if (supply.size() * demand.size() >= 64) merge_identical_rows_and_columns(supply, demand, cost);
    const long double work = solver_.solve(supply.data(), supply.size(), demand.data(), demand.size(), cost.data());
    // Hop costs: work is an exact integer and d_xy = 1, so this is the exact rational
    // (D - work) / D rounded once.
    const long double scale = static_cast<long double>(denominator) * static_cast<long double>(d_xy);
    return static_cast<double>((scale - work) / scale);
  }

  /// Length of the edge {x, y} (binary search in x's sorted neighbours).
  double edge_length(Vertex x, Vertex y) const {
    const auto [first, last] = neighbor_range(graph_, x);
    const Vertex* it = std::lower_bound(first, last, y);
    return arc_property(graph_, x, static_cast<size_t>(it - first)).weight;
  }

  /// An upper bound on the distance of every source-sink pair, from paths through x or y:
  /// bx(v) >= d(v, x) is 0 at x, the edge length on x's neighbours, and via y otherwise
  /// (by(v) likewise), so d(a, t) <= min(bx(a) + bx(t), by(a) + by(t)). Searches never
  /// queue vertices beyond it; the slack covers rounding between different summation orders.
  double weighted_cutoff(Vertex x, Vertex y, double w_xy) {
    const double inf = std::numeric_limits<double>::infinity();
    for (Vertex v : support_) bound_x_[v] = bound_y_[v] = inf;
    bound_x_[x] = 0;
    bound_y_[y] = 0;
    auto [fx, lx] = neighbor_range(graph_, x);
    for (size_t k = 0; fx + k != lx; ++k) bound_x_[fx[k]] = arc_property(graph_, x, k).weight;
    auto [fy, ly] = neighbor_range(graph_, y);
    for (size_t k = 0; fy + k != ly; ++k) bound_y_[fy[k]] = arc_property(graph_, y, k).weight;
    for (Vertex v : support_) {
      const double via_y = bound_y_[v] + w_xy, via_x = bound_x_[v] + w_xy;
      bound_x_[v] = std::min(bound_x_[v], via_y);
      bound_y_[v] = std::min(bound_y_[v], via_x);
    }
    double source_x = 0, source_y = 0, sink_x = 0, sink_y = 0;
    for (Vertex v : sources_) source_x = std::max(source_x, bound_x_[v]), source_y = std::max(source_y, bound_y_[v]);
    for (Vertex v : sinks_) sink_x = std::max(sink_x, bound_x_[v]), sink_y = std::max(sink_y, bound_y_[v]);
    return std::min(source_x + sink_x, source_y + sink_y) * (1 + 1e-9);
  }

  const BoostGraph& graph_;
  Fraction alpha_;
  DistanceKind kind_;
  LocalDistances distances_;
  TransportSolver solver_;
  std::vector<int64_t> net_;
  std::vector<uint32_t> seen_;
  uint32_t generation_ = 0;
  std::vector<Vertex> support_, sources_, sinks_;
  std::vector<int64_t> supply_, demand_;
  std::vector<double> cost_;
  std::vector<double> bound_x_, bound_y_;  // weighted only: [num_nodes], valid on the support
};


/// Runs fn(worker, i) for i in [0, n) on up to workers.size() threads, `chunk` indices per
/// work item (dynamic scheduling); rethrows the first worker's error.
template <typename Fn>
void parallel_for(std::vector<std::unique_ptr<EdgeWorker>>& workers, size_t n, size_t chunk, const Fn& fn) {
  const size_t threads = std::min(workers.size(), (n + chunk - 1) / chunk);
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) fn(*workers[0], i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      try {
        for (size_t begin = next.fetch_add(chunk); begin < n; begin = next.fetch_add(chunk))
          for (size_t i = begin; i < std::min(n, begin + chunk); ++i) fn(*workers[t], i);
      } catch (...) {
        errors[t] = std::current_exception();
        next.store(n);  // let the others stop early
      }
    });
  }
  for (auto& thread : pool) thread.join();
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
}

/// Weighted distances: the searches dominate, and a vertex starts searches for every edge
/// within one hop of it. So edges go in blocks (consecutive in edges(), a bounded number
/// of cost entries): all problems of a block are built, then ONE Dijkstra per distinct
/// start vertex, stopped once all its targets over the block are settled (or past the
/// largest cutoff), fills its rows in all of them, then the transports are solved. Each
/// cost is the same exact path minimum from the same source, kept within the same cutoff,
/// as in the per-edge searches, so results are bitwise those and independent of the
/// blocks and the thread count.
std::vector<double> ollivier_ricci_weighted(const BoostGraph& boost_graph, const SimpleGraph& graph,
                                            Fraction alpha, size_t threads, size_t block_entries) {
  const auto& edges = graph.edges();
  std::vector<double> kappa(edges.size());
  std::vector<std::unique_ptr<EdgeWorker>> workers;
  for (size_t t = 0; t < std::max<size_t>(threads, 1); ++t)
    workers.push_back(std::make_unique<EdgeWorker>(boost_graph, alpha, DistanceKind::kWeighted));
  std::vector<WeightedProblem> problems;
  std::vector<std::pair<Vertex, std::pair<uint32_t, uint32_t>>> uses;  // (start, (problem, position))
  std::vector<std::pair<uint32_t, uint32_t>> use_list;
  std::vector<size_t> group_begin;
  constexpr size_t kChunk = 32;
  for (size_t begin = 0, end = 0; begin < edges.size(); begin = end) {
    // Block: sources + sinks <= deg(u) + deg(v) + 2, so each matrix holds at most a
    // quarter of its square.
    size_t entries = 0;
    for (end = begin; end < edges.size(); ++end) {
      const size_t side = degree(boost_graph, static_cast<Vertex>(edges[end].u)) +
                          degree(boost_graph, static_cast<Vertex>(edges[end].v)) + 2;
      const size_t bound = side * side / 4;
      if (end > begin && entries + bound > block_entries) break;
      entries += bound;
    }
    const size_t count = end - begin;
    if (problems.size() < count) problems.resize(count);
    parallel_for(workers, count, kChunk, [&](EdgeWorker& worker, size_t i) {
      worker.prepare_weighted(static_cast<Vertex>(edges[begin + i].u), static_cast<Vertex>(edges[begin + i].v),
                              problems[i]);
    });
    uses.clear();
    for (size_t i = 0; i < count; ++i) {
      const WeightedProblem& p = problems[i];
      if (p.trivial) continue;
      const auto& starts = p.from_sources ? p.sources : p.sinks;
      for (size_t a = 0; a < starts.size(); ++a)
        uses.push_back({starts[a], {static_cast<uint32_t>(i), static_cast<uint32_t>(a)}});
    }
    std::sort(uses.begin(), uses.end());
    use_list.resize(uses.size());
    group_begin.clear();
    for (size_t k = 0; k < uses.size(); ++k) {
      if (k == 0 || uses[k].first != uses[k - 1].first) group_begin.push_back(k);
      use_list[k] = uses[k].second;
    }
    group_begin.push_back(uses.size());
    // Distinct problems' entries are distinct memory locations: the searches may run in parallel.
    parallel_for(workers, group_begin.size() - 1, 4, [&](EdgeWorker& worker, size_t g) {
      worker.fill_costs(uses[group_begin[g]].first, use_list.data() + group_begin[g],
                        group_begin[g + 1] - group_begin[g], problems);
    });
    parallel_for(workers, count, kChunk,
                 [&](EdgeWorker& worker, size_t i) { kappa[begin + i] = worker.finish_weighted(problems[i]); });
  }
  return kappa;
}

}  // namespace

std::vector<double> ollivier_ricci(const SimpleGraph& graph, const OllivierRicciOptions& options) {
  const Fraction alpha = exact_alpha(options.alpha);
  check_input(options.threads >= 0, "threads", "must be >= 0, got " + std::to_string(options.threads));
  check_input(options.weighted_block_entries >= 0, "weighted_block_entries",
              "must be >= 0, got " + std::to_string(options.weighted_block_entries));
  const BoostGraph boost_graph = make_boost_graph(graph);
  const auto& edges = graph.edges();
  std::vector<double> kappa(edges.size());
  size_t threads = options.threads == 0 ? std::max(1u, std::thread::hardware_concurrency())
                                        : static_cast<size_t>(options.threads);
  constexpr size_t kChunk = 32;  // edges per work item: hubs make per-edge costs uneven
  threads = std::min(threads, (edges.size() + kChunk - 1) / kChunk);
  if (options.distance == DistanceKind::kWeighted && options.weighted_block_entries > 0)
    return ollivier_ricci_weighted(boost_graph, graph, alpha, threads,
                                   static_cast<size_t>(options.weighted_block_entries));

  auto run = [&](EdgeWorker& worker, size_t begin, size_t end) {
    for (size_t e = begin; e < end; ++e)
      kappa[e] = worker.curvature(static_cast<Vertex>(edges[e].u), static_cast<Vertex>(edges[e].v));
  };
  if (threads <= 1) {
    EdgeWorker worker(boost_graph, alpha, options.distance);
    run(worker, 0, edges.size());
    return kappa;
  }
  // Each edge's value depends only on the graph, so dynamic scheduling changes nothing
  // but the order in which slots of `kappa` are filled.
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      try {
        EdgeWorker worker(boost_graph, alpha, options.distance);
        for (size_t begin = next.fetch_add(kChunk); begin < edges.size(); begin = next.fetch_add(kChunk))
          run(worker, begin, std::min(edges.size(), begin + kChunk));
      } catch (...) {
        errors[t] = std::current_exception();
        next.store(edges.size());  // let the others stop early
      }
    });
  }
  for (auto& thread : pool) thread.join();
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
  return kappa;
}

std::vector<double> node_curvature(const SimpleGraph& graph, const std::vector<double>& edge_values) {
  check_input(static_cast<int64_t>(edge_values.size()) == graph.num_edges(), "node_curvature",
              std::to_string(edge_values.size()) + " edge values for " + std::to_string(graph.num_edges()) + " edges");
  std::vector<double> sum(static_cast<size_t>(graph.num_nodes()), 0.0);
  std::vector<int64_t> count(sum.size(), 0);
  for (size_t e = 0; e < edge_values.size(); ++e) {
    const auto& edge = graph.edges()[e];
    sum[static_cast<size_t>(edge.u)] += edge_values[e];
    sum[static_cast<size_t>(edge.v)] += edge_values[e];
    ++count[static_cast<size_t>(edge.u)];
    ++count[static_cast<size_t>(edge.v)];
  }
  for (size_t v = 0; v < sum.size(); ++v) sum[v] = count[v] > 0 ? sum[v] / static_cast<double>(count[v]) : 0.0;
  return sum;
}

}  // namespace moezoo::datasets::graph_structure
