#pragma once
/// Ollivier-Ricci curvature of every edge with exact optimal transport.
///
/// Ollivier (2009), "Ricci curvature of Markov chains on metric spaces"; the lazy
/// random-walk measure of Lin, Lu & Yau (2011) as GraphRicciCurvature uses it
/// (Ni et al. 2015/2019, method "OTD"):
///   m_x = alpha * delta_x + (1 - alpha) / deg(x) * sum_{z ~ x} delta_z
///   kappa(x, y) = 1 - W1(m_x, m_y) / d(x, y)
/// with W1 the earth mover's distance under the graph metric d (hops or lengths).

#include <cstdint>
#include <vector>

#include "datasets/graph_structure/distance_kind.h"
#include "datasets/graph_structure/simple_graph.h"

namespace moezoo::datasets::graph_structure {

struct OllivierRicciOptions {
  /// Idleness: mass m_x keeps at x; the rest is spread uniformly over x's neighbours
  /// (GraphRicciCurvature's default 0.5). Must be a fraction p/q with q <= 10^6 (0.5,
  /// 0.1, 1/3 as a double...), because the transport is solved exactly in integers.
  double alpha = 0.5;
  /// Metric of the transport costs and of d(x, y). With kWeighted, d(x, y) is the
  /// shortest-path distance, which may be shorter than the edge's own length.
  DistanceKind distance = DistanceKind::kHop;
  /// Worker threads over edges (0: one per hardware thread). Results do not depend on it.
  int threads = 1;
  /// kWeighted only: edges are processed in blocks (consecutive in edges()) whose
  /// transport problems hold at most about this many cost entries in all (8 bytes each),
  /// and every vertex's Dijkstra search runs once per block for all of them. 0: the
  /// reference path, separate searches for every edge (several times slower). Results
  /// do not depend on it (bitwise).
  int64_t weighted_block_entries = int64_t{1} << 22;
};

/// An exact fraction num / den with den > 0.
struct Fraction {
  int64_t num = 0;
  int64_t den = 1;
};

/// The fraction p/q (q <= 10^6) equal to `alpha` to double precision (|alpha - p/q| <= 2^-50),
/// found by continued fractions; throws Error naming "alpha" when alpha is outside [0, 1]
/// or no such fraction exists.
Fraction exact_alpha(double alpha);

/// kappa per edge, aligned with graph.edges(); bitwise identical for any thread count.
/// Measures use node degrees in the whole graph; an edge's endpoints always have
/// degree >= 1. Lengths matter only with DistanceKind::kWeighted. Runs on the
/// Boost.Graph view (boost_graph.h), built here in O(E log E).
std::vector<double> ollivier_ricci(const SimpleGraph& graph, const OllivierRicciOptions& options);

/// Node curvature: the mean of `edge_values` (aligned with graph.edges()) over each
/// node's incident edges, as GraphRicciCurvature defines it; 0 for an isolated node
/// (GraphRicciCurvature leaves those without a value). [num_nodes].
std::vector<double> node_curvature(const SimpleGraph& graph, const std::vector<double>& edge_values);

}  // namespace moezoo::datasets::graph_structure
