#pragma once
/// Independent references for the graph-structure tests: Boost.Graph's own shortest
/// paths (BFS, Dijkstra on an adjacency_list) and Boost.Graph's min-cost flow (a maximum
/// flow by push-relabel, then cycle canceling with Bellman-Ford) on integer masses, i.e.
/// exact optimal transport by a different algorithm on a different graph type, with the
/// full (deg(x)+1) x (deg(y)+1) problem and a different common denominator than the library.
///
/// The cost is summed here from the flows: Boost 1.74's find_flow_cost(g) returns the
/// capacity map's value type, so integer capacities truncate real costs (it gave 964062
/// where the optimum, which POT's ot.emd2 and scipy's HiGHS agree on, is 964062.046875).

// GCC 12 reports -Wmaybe-uninitialized inside Boost's filtered-graph edge iterators once
// cycle_canceling is inlined here; the warning is in third-party code, silenced for it only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/cycle_canceling.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/push_relabel_max_flow.hpp>
#pragma GCC diagnostic pop

#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "datasets/graph_structure/simple_graph.h"

namespace moezoo::testing::graph_structure {

using moezoo::datasets::graph_structure::Edge;
using moezoo::datasets::graph_structure::SimpleGraph;

/// Exact minimum transport cost by Boost's cycle canceling on the network
/// source -> supplies -> demands -> sink; costs must be exact in double arithmetic
/// (integers, or multiples of a power of two), as Bellman-Ford compares sums of them.
inline double boost_transport_cost(const std::vector<int64_t>& supply, const std::vector<int64_t>& demand,
                                   const std::vector<double>& cost) {
  using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
  using Network = boost::adjacency_list<
      boost::vecS, boost::vecS, boost::directedS, boost::no_property,
      boost::property<boost::edge_capacity_t, int64_t,
                      boost::property<boost::edge_residual_capacity_t, int64_t,
                                      boost::property<boost::edge_reverse_t, Traits::edge_descriptor,
                                                      boost::property<boost::edge_weight_t, double>>>>>;
  const size_t m = supply.size(), n = demand.size();
  Network g(m + n + 2);
  const size_t s = m + n, t = m + n + 1;
  auto capacity = get(boost::edge_capacity, g);
  auto reverse = get(boost::edge_reverse, g);
  auto weight = get(boost::edge_weight, g);
  auto add = [&](size_t u, size_t v, int64_t cap, double w) -> Traits::edge_descriptor {
    const auto forward = add_edge(u, v, g).first;
    const auto backward = add_edge(v, u, g).first;
    capacity[forward] = cap;
    capacity[backward] = 0;
    weight[forward] = w;
    weight[backward] = -w;
    reverse[forward] = backward;
    reverse[backward] = forward;
    return forward;
  };
  int64_t total = 0;
  for (size_t i = 0; i < m; ++i) {
    add(s, i, supply[i], 0.0);
    total += supply[i];
  }
  std::vector<Traits::edge_descriptor> arcs;
  for (size_t i = 0; i < m; ++i)
    for (size_t j = 0; j < n; ++j) arcs.push_back(add(i, m + j, total, cost[i * n + j]));
  for (size_t j = 0; j < n; ++j) add(m + j, t, demand[j], 0.0);
  const int64_t flow = boost::push_relabel_max_flow(g, s, t);
  if (flow != total) throw std::runtime_error("reference max flow did not route all supply");
  boost::cycle_canceling(g);
  auto residual = get(boost::edge_residual_capacity, g);
  long double sum = 0;
  for (size_t k = 0; k < arcs.size(); ++k)
    sum += static_cast<long double>(capacity[arcs[k]] - residual[arcs[k]]) * static_cast<long double>(cost[k]);
  return static_cast<double>(sum);
}

/// All-pairs distances [n * n] with Boost's BFS (hop) or Dijkstra (lengths); +inf if unreachable.
inline std::vector<double> boost_all_pairs(const SimpleGraph& graph, bool weighted) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                      boost::property<boost::edge_weight_t, double>>;
  const auto n = static_cast<size_t>(graph.num_nodes());
  Graph g(n);
  for (size_t e = 0; e < graph.edges().size(); ++e)
    add_edge(static_cast<size_t>(graph.edges()[e].u), static_cast<size_t>(graph.edges()[e].v),
             weighted ? graph.weight(static_cast<int64_t>(e)) : 1.0, g);
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> all(n * n, inf);
  for (size_t s = 0; s < n; ++s) {
    std::vector<double> d(n, inf);
    if (weighted) {
      boost::dijkstra_shortest_paths(
          g, s, boost::distance_map(boost::make_iterator_property_map(d.begin(), get(boost::vertex_index, g))));
    } else {
      std::vector<size_t> hops(n, std::numeric_limits<size_t>::max());
      hops[s] = 0;
      boost::breadth_first_search(
          g, s,
          boost::visitor(boost::make_bfs_visitor(boost::record_distances(
              boost::make_iterator_property_map(hops.begin(), get(boost::vertex_index, g)), boost::on_tree_edge()))));
      for (size_t v = 0; v < n; ++v)
        if (hops[v] != std::numeric_limits<size_t>::max()) d[v] = static_cast<double>(hops[v]);
    }
    std::copy(d.begin(), d.end(), all.begin() + static_cast<std::ptrdiff_t>(s * n));
  }
  return all;
}

/// Ollivier-Ricci curvature of every edge with alpha = p / q, from the definition: masses
/// in units of 1 / (q * deg(x) * deg(y)) on the closed neighbourhoods, the full transport
/// problem, Boost's min-cost flow, kappa = 1 - W1 / d(x, y).
inline std::vector<double> reference_ollivier_ricci(const SimpleGraph& graph, int64_t p, int64_t q, bool weighted) {
  const auto n = static_cast<size_t>(graph.num_nodes());
  const auto dist = boost_all_pairs(graph, weighted);
  std::vector<std::vector<int64_t>> neighbours(n);
  for (const auto& e : graph.edges()) {
    neighbours[static_cast<size_t>(e.u)].push_back(e.v);
    neighbours[static_cast<size_t>(e.v)].push_back(e.u);
  }
  std::vector<double> kappa;
  for (const auto& e : graph.edges()) {
    const auto x = static_cast<size_t>(e.u), y = static_cast<size_t>(e.v);
    const auto dx = static_cast<int64_t>(neighbours[x].size()), dy = static_cast<int64_t>(neighbours[y].size());
    const int64_t denominator = q * dx * dy;
    std::vector<int64_t> sx{e.u}, sy{e.v}, mx{p * dx * dy}, my{p * dx * dy};
    for (int64_t a : neighbours[x]) {
      sx.push_back(a);
      mx.push_back((q - p) * dy);
    }
    for (int64_t b : neighbours[y]) {
      sy.push_back(b);
      my.push_back((q - p) * dx);
    }
    std::vector<double> cost;
    for (int64_t a : sx)
      for (int64_t b : sy) cost.push_back(dist[static_cast<size_t>(a) * n + static_cast<size_t>(b)]);
    const double work = boost_transport_cost(mx, my, cost);
    kappa.push_back(1.0 - work / (static_cast<double>(denominator) * dist[x * n + y]));
  }
  return kappa;
}

/// A connected-ish random graph: a random spanning tree plus G(n, p) edges plus one hub
/// joined to a third of the nodes, with lengths in [0.25, 3] when `lengths` is set.
inline SimpleGraph random_graph(uint64_t seed, int64_t n, double p, bool lengths) {
  std::mt19937_64 rng(seed);
  auto uniform = [&rng] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  std::vector<Edge> edges;
  for (int64_t v = 1; v < n; ++v) edges.push_back({static_cast<int64_t>(rng() % static_cast<uint64_t>(v)), v});
  for (int64_t u = 0; u < n; ++u)
    for (int64_t v = u + 1; v < n; ++v)
      if (uniform() < p) edges.push_back({u, v});
  for (int64_t v = 1; v < n; v += 3) edges.push_back({0, v});
  auto graph = SimpleGraph::from_edges(n, edges);
  if (!lengths) return graph;
  std::vector<double> w;
  // Multiples of 1/64: path sums stay exact in double, so the reference's min-cost flow
  // sees no rounding (tools/check_orc.py covers arbitrary lengths against POT).
  for (size_t e = 0; e < graph.edges().size(); ++e) w.push_back(0.25 + static_cast<double>(rng() % 177) / 64.0);
  return SimpleGraph::from_edges(n, graph.edges(), w);
}

}  // namespace moezoo::testing::graph_structure
