#include "datasets/graph_structure/ollivier_ricci.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <numeric>
#include <thread>

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
    // Worth its sorting only on larger problems (hub edges), where it shrinks them most.
    if (supply_.size() * demand_.size() >= 64) merge_identical_rows_and_columns(supply_, demand_, cost_);
    const long double work = solver_.solve(supply_.data(), supply_.size(), demand_.data(), demand_.size(), cost_.data());
    // Hop costs: work is an exact integer and d_xy = 1, so this is the exact rational
    // (D - work) / D rounded once.
    const long double scale = static_cast<long double>(denominator) * static_cast<long double>(d_xy);
    return static_cast<double>((scale - work) / scale);
  }

 private:
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

}  // namespace

std::vector<double> ollivier_ricci(const SimpleGraph& graph, const OllivierRicciOptions& options) {
  const Fraction alpha = exact_alpha(options.alpha);
  check_input(options.threads >= 0, "threads", "must be >= 0, got " + std::to_string(options.threads));
  const BoostGraph boost_graph = make_boost_graph(graph);
  const auto& edges = graph.edges();
  std::vector<double> kappa(edges.size());
  size_t threads = options.threads == 0 ? std::max(1u, std::thread::hardware_concurrency())
                                        : static_cast<size_t>(options.threads);
  constexpr size_t kChunk = 32;  // edges per work item: hubs make per-edge costs uneven
  threads = std::min(threads, (edges.size() + kChunk - 1) / kChunk);

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
