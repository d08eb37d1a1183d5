#pragma once
/// An undirected simple graph (no self loops, no parallel edges), the input of every
/// structure computation here. Torch-free: loaders pass edge_index as plain arrays.

#include <cstdint>
#include <string>
#include <vector>

namespace moezoo::datasets::graph_structure {

/// An undirected edge {u, v}, always stored with u < v.
struct Edge {
  int64_t u = 0;
  int64_t v = 0;
  bool operator==(const Edge& other) const { return u == other.u && v == other.v; }
  bool operator<(const Edge& other) const { return u < other.u || (u == other.u && v < other.v); }
};

/// Nodes 0..num_nodes-1 and undirected edges sorted by (u, v) with u < v. Per-edge
/// results everywhere (curvature, caches, CSV rows) are aligned with edges().
class SimpleGraph {
 public:
  SimpleGraph() = default;

  /// From directed pairs src[i] -> dst[i] (a PyG-style edge_index [2, E] passes its two
  /// rows): both directions and repeats merge into one edge, self loops are dropped.
  /// `weights` (nullptr: unweighted) gives each pair's length; every copy of an edge must
  /// carry the same weight, which must be finite and > 0. Errors name `where`.
  static SimpleGraph from_directed_pairs(int64_t num_nodes, const int64_t* src, const int64_t* dst, int64_t count,
                                         const double* weights = nullptr, const std::string& where = "edge_index");

  /// Same merge rules, from edges in any orientation (`weights` empty or one per edge).
  static SimpleGraph from_edges(int64_t num_nodes, const std::vector<Edge>& edges,
                                const std::vector<double>& weights = {}, const std::string& where = "edges");

  int64_t num_nodes() const { return num_nodes_; }
  int64_t num_edges() const { return static_cast<int64_t>(edges_.size()); }
  const std::vector<Edge>& edges() const { return edges_; }

  /// Whether lengths were given; an unweighted graph has every length 1.
  bool weighted() const { return !weights_.empty(); }
  /// Lengths aligned with edges(); empty when unweighted.
  const std::vector<double>& weights() const { return weights_; }
  double weight(int64_t edge) const { return weights_.empty() ? 1.0 : weights_[static_cast<size_t>(edge)]; }

  /// Number of incident edges of every node: [num_nodes].
  std::vector<int64_t> degrees() const;

  /// Index in edges() of {u, v} (either order), or -1 when absent (binary search).
  int64_t find_edge(int64_t u, int64_t v) const;

  /// For directed pairs src[i] -> dst[i] of this graph, the index of their undirected
  /// edge, -1 for a self loop: maps per-edge results back onto an edge_index [2, E].
  /// Throws Error naming `where` for a pair that is not an edge of this graph.
  std::vector<int64_t> edge_ids(const int64_t* src, const int64_t* dst, int64_t count,
                                const std::string& where = "edge_index") const;

 private:
  int64_t num_nodes_ = 0;
  std::vector<Edge> edges_;
  std::vector<double> weights_;
};

}  // namespace moezoo::datasets::graph_structure
