#include "datasets/graph_structure/shortest_paths.h"

#include <algorithm>
#include <limits>

#include "datasets/graph_structure/quaternary_heap.h"

namespace moezoo::datasets::graph_structure {

LocalDistances::LocalDistances(const BoostGraph& graph)
    : graph_(&graph), hop_mark_(num_vertices(graph), 0), state_(num_vertices(graph)) {}

uint32_t LocalDistances::next_generation() {
  if (++generation_ == 0) {  // wrapped after 2^32 searches: clear once so old stamps cannot match
    std::fill(state_.begin(), state_.end(), State{});
    std::fill(hop_mark_.begin(), hop_mark_.end(), 0);
    generation_ = 1;
  }
  return generation_;
}

void LocalDistances::hop_within_three(const std::vector<Vertex>& sources, const std::vector<Vertex>& targets,
                                      double* out) {
  const BoostGraph& g = *graph_;
  // The set whose members get their neighbourhoods marked ("marked") and the set whose
  // members' neighbourhoods are scanned against the marks ("scanned"). Marking costs
  // deg(a) per member, each check scans deg(b): pick the orientation with less work.
  size_t source_degrees = 0, target_degrees = 0;
  for (Vertex s : sources) source_degrees += degree(g, s);
  for (Vertex t : targets) target_degrees += degree(g, t);
  const bool mark_sources = source_degrees + sources.size() * target_degrees <=
                            target_degrees + targets.size() * source_degrees;
  const auto& marked = mark_sources ? sources : targets;
  const auto& scanned = mark_sources ? targets : sources;
  const size_t columns = targets.size();

  for (size_t a = 0; a < marked.size(); ++a) {
    const uint32_t gen = next_generation();
    const Vertex va = marked[a];
    const auto [first, last] = neighbor_range(g, va);
    for (const Vertex* w = first; w != last; ++w) hop_mark_[*w] = gen;
    for (size_t b = 0; b < scanned.size(); ++b) {
      const Vertex vb = scanned[b];
      double d;
      if (va == vb) {
        d = 0;
      } else if (hop_mark_[vb] == gen) {
        d = 1;
      } else {
        d = 3;
        const auto [bf, bl] = neighbor_range(g, vb);
        for (const Vertex* w = bf; w != bl; ++w) {
          if (hop_mark_[*w] == gen) {
            d = 2;
            break;
          }
        }
      }
      out[mark_sources ? a * columns + b : b * columns + a] = d;
    }
  }
}

void LocalDistances::heap_sift_up(size_t i, HeapEntry entry) {
  quaternary_sift_up(heap_, i, entry, entry_before, [this](const HeapEntry& e, size_t slot) { heap_moved(e, slot); });
}

LocalDistances::HeapEntry LocalDistances::heap_pop() {
  return quaternary_pop(heap_, entry_before, [this](const HeapEntry& e, size_t slot) { heap_moved(e, slot); });
}

void LocalDistances::dijkstra_to_targets(Vertex source, size_t num_targets, double* out, size_t stride,
                                         double cutoff) {
  const BoostGraph& g = *graph_;
  const uint32_t gen = generation_;  // the caller stamped the targets with this generation
  // An indexed 4-ary heap with decrease-key: every queued vertex appears once. A settled
  // distance is the minimum over paths of their lengths summed from the source in path
  // order (rounding is monotone), so it does not depend on the order of equal keys.
  heap_.clear();
  state_[source].mark = gen;
  state_[source].distance = 0;
  heap_.push_back({0.0, source});
  state_[source].heap_index = 0;
  size_t remaining = num_targets;
  const auto* rowstart = g.m_forward.m_rowstart.data();
  const Vertex* column = g.m_forward.m_column.data();
  while (!heap_.empty() && remaining > 0) {
    const auto [d, v] = heap_pop();
    State& sv = state_[v];
    sv.settled = gen;
    if (sv.target == gen) {
      if (out != nullptr) out[sv.target_slot * stride] = d;
      --remaining;
    }
    const size_t arc_begin = rowstart[v], arc_end = rowstart[v + 1];
    for (size_t arc = arc_begin; arc != arc_end; ++arc) {
      const Vertex w = column[arc];
      State& sw = state_[w];
      if (sw.settled == gen) continue;
      const double nd = d + g[BoostGraph::edge_descriptor(v, arc)].weight;
      if (nd > cutoff) continue;
      if (sw.mark != gen) {
        sw.mark = gen;
        sw.distance = nd;
        heap_.push_back({nd, w});
        heap_sift_up(heap_.size() - 1, {nd, w});
      } else if (nd < sw.distance) {
        sw.distance = nd;
        heap_sift_up(sw.heap_index, {nd, w});
      }
    }
  }
  // Targets still unsettled lie in another component or beyond the cutoff: their
  // entries keep the caller's +inf.
}

void LocalDistances::weighted(const std::vector<Vertex>& sources, const std::vector<Vertex>& targets, double* out,
                              double cutoff) {
  const bool from_sources = sources.size() <= targets.size();
  const auto& starts = from_sources ? sources : targets;
  const auto& ends = from_sources ? targets : sources;
  const size_t columns = targets.size();
  std::fill(out, out + sources.size() * targets.size(), std::numeric_limits<double>::infinity());
  for (size_t a = 0; a < starts.size(); ++a) {
    const uint32_t gen = next_generation();
    for (size_t b = 0; b < ends.size(); ++b) {
      state_[ends[b]].target = gen;
      state_[ends[b]].target_slot = static_cast<uint32_t>(b);
    }
    // Row a of the output (from sources) or column a (from targets).
    if (from_sources) {
      dijkstra_to_targets(starts[a], ends.size(), out + a * columns, 1, cutoff);
    } else {
      dijkstra_to_targets(starts[a], ends.size(), out + a, columns, cutoff);
    }
  }
}

double LocalDistances::weighted_pair(Vertex u, Vertex v, double cutoff) {
  double d = std::numeric_limits<double>::infinity();
  const uint32_t gen = next_generation();
  state_[v].target = gen;
  state_[v].target_slot = 0;
  dijkstra_to_targets(u, 1, &d, 1, cutoff);
  return d;
}

void LocalDistances::begin_search() { next_generation(); }

bool LocalDistances::add_target(Vertex v) {
  State& s = state_[v];
  if (s.target == generation_) return false;
  s.target = generation_;
  s.target_slot = 0;
  return true;
}

void LocalDistances::search(Vertex source, size_t num_targets, double cutoff) {
  dijkstra_to_targets(source, num_targets, nullptr, 0, cutoff);
}

}  // namespace moezoo::datasets::graph_structure
