#pragma once
/// Shortest-path distances between two small vertex sets, the cost matrices of
/// Ollivier-Ricci transport problems. Searches stay local: a hop search never looks
/// further than 3 hops, a weighted search stops once every target is settled.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "datasets/graph_structure/boost_graph.h"
#include "datasets/graph_structure/distance_kind.h"

namespace moezoo::datasets::graph_structure {

/// Reusable search state over one graph (O(num_nodes) memory, never cleared between
/// searches thanks to generation stamps); one per thread.
class LocalDistances {
 public:
  explicit LocalDistances(const BoostGraph& graph);

  /// out[i * targets.size() + j] = hop distance from sources[i] to targets[j], for sets
  /// whose members are all within 3 hops of one another, such as the closed
  /// neighbourhoods of the two endpoints of an edge: 0, 1 and 2 are found exactly
  /// (equality, adjacency, a common neighbour) and every other pair is 3. Cost:
  /// sum of degrees of one set plus, per member of it, the degrees of the other set
  /// (the cheaper orientation is picked).
  void hop_within_three(const std::vector<Vertex>& sources, const std::vector<Vertex>& targets, double* out);

  /// out[i * targets.size() + j] = weighted shortest-path distance (Dijkstra from each
  /// source of the smaller set, stopped once all of the other set is settled);
  /// +infinity for an unreachable pair or one farther than `cutoff` (vertices beyond it
  /// are never queued: a known upper bound on all pairs keeps the searches small).
  /// `targets` and `sources` must hold distinct vertices.
  void weighted(const std::vector<Vertex>& sources, const std::vector<Vertex>& targets, double* out,
                double cutoff = std::numeric_limits<double>::infinity());

  /// Weighted distance from u to v (+infinity when unreachable or farther than `cutoff`).
  double weighted_pair(Vertex u, Vertex v, double cutoff = std::numeric_limits<double>::infinity());

  /// One Dijkstra shared by many queries (the rows of several transport problems with
  /// the same source): begin_search(), add_target() for every vertex whose distance is
  /// wanted, search(), then distance_to(). A distance is the minimum over paths of the
  /// lengths summed from the source in path order, so it is bitwise the value weighted()
  /// finds from the same source, whatever the targets and the cutoff (when within it).
  void begin_search();
  /// Adds a target of the current search; false when it already was one.
  bool add_target(Vertex v);
  /// Dijkstra from `source` until all `num_targets` added targets are settled or no
  /// vertex within `cutoff` is left.
  void search(Vertex source, size_t num_targets, double cutoff);
  /// Distance from the last search's source to a vertex it settled; +infinity otherwise.
  double distance_to(Vertex v) const {
    const State& s = state_[v];
    return s.settled == generation_ ? s.distance : std::numeric_limits<double>::infinity();
  }

 private:
  /// Dijkstra from `source` until every vertex stamped as a target is settled; writes
  /// out[position * stride] for each target (nothing when `out` is null).
  void dijkstra_to_targets(Vertex source, size_t num_targets, double* out, size_t stride, double cutoff);
  uint32_t next_generation();

  struct HeapEntry {
    double key;
    Vertex vertex;
  };
  static bool entry_before(const HeapEntry& a, const HeapEntry& b) { return a.key < b.key; }
  void heap_moved(const HeapEntry& e, size_t slot) { state_[e.vertex].heap_index = static_cast<uint32_t>(slot); }
  /// Places `entry` at slot i or above (4-ary min-heap on key), updating heap indices.
  void heap_sift_up(size_t i, HeapEntry entry);
  HeapEntry heap_pop();

  /// Per-vertex search state in one record, so a relaxation touches one cache line.
  struct State {
    uint32_t mark = 0;         ///< == generation_: `distance` is valid
    uint32_t settled = 0;      ///< == generation_: Dijkstra settled it
    uint32_t target = 0;       ///< == generation_: a target of the current search
    uint32_t target_slot = 0;  ///< its position among the targets
    uint32_t heap_index = 0;   ///< its slot in heap_ while queued
    double distance = 0;
  };

  const BoostGraph* graph_;
  std::vector<uint32_t> hop_mark_;  // == generation_: neighbour of the vertex being marked (hop search)
  std::vector<State> state_;        // Dijkstra
  uint32_t generation_ = 0;
  std::vector<HeapEntry> heap_;
};

}  // namespace moezoo::datasets::graph_structure
