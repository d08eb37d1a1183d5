#pragma once
/// The two operations of an indexed 4-ary min-heap with decrease-key, shared by the
/// Dijkstra searches of the local shortest paths and of the transport solver.
///
/// The heap is a std::vector<Entry>; `before(a, b)` orders entries (a strict weak
/// order; ties must be broken by the caller when the pop order matters), and
/// `moved(entry, slot)` records where an entry now sits, so that the caller can
/// sift a decreased key up from its slot. 4 children per node: half the depth of a
/// binary heap, and the four children share a cache line for 16-byte entries.

#include <algorithm>
#include <cstddef>
#include <vector>

namespace moezoo::datasets::graph_structure {

/// Places `entry` at slot i (a new last slot, or the slot of an entry whose key
/// decreased) and moves it up past every parent it comes before.
template <class Entry, class Before, class Moved>
void quaternary_sift_up(std::vector<Entry>& heap, size_t i, const Entry& entry, Before before, Moved moved) {
  while (i > 0) {
    const size_t parent = (i - 1) / 4;
    if (!before(entry, heap[parent])) break;
    heap[i] = heap[parent];
    moved(heap[i], i);
    i = parent;
  }
  heap[i] = entry;
  moved(entry, i);
}

/// Removes and returns the first entry; the heap must not be empty.
template <class Entry, class Before, class Moved>
Entry quaternary_pop(std::vector<Entry>& heap, Before before, Moved moved) {
  const Entry top = heap[0];
  const Entry last = heap.back();
  heap.pop_back();
  const size_t size = heap.size();
  if (size == 0) return top;
  size_t i = 0;
  for (;;) {
    const size_t first = 4 * i + 1;
    if (first >= size) break;
    size_t best = first;
    const size_t end = std::min(first + 4, size);
    for (size_t c = first + 1; c < end; ++c)
      if (before(heap[c], heap[best])) best = c;
    if (!before(heap[best], last)) break;
    heap[i] = heap[best];
    moved(heap[i], i);
    i = best;
  }
  heap[i] = last;
  moved(last, i);
  return top;
}

}  // namespace moezoo::datasets::graph_structure
