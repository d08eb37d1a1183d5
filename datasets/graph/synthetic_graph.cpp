#include "datasets/graph/synthetic_graph.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/util/error.h"
#include "datasets/graph/node_splits.h"

namespace moezoo::datasets::graph {

namespace {

constexpr const char* kWhere = "synthetic graph";

/// Undirected pairs in "slot" space: slots are numbered class by class, and inside a
/// class tree, grid, communities; the node id of a slot is a random permutation.
struct PairList {
  std::vector<int64_t> a, b;
  void add(int64_t u, int64_t v) { a.push_back(u), b.push_back(v); }
};

void add_tree(PairList& pairs, int64_t first, int64_t size, int64_t branching) {
  for (int64_t i = 1; i < size; ++i) pairs.add(first + i, first + (i - 1) / branching);
}

void add_grid(PairList& pairs, int64_t first, int64_t size) {
  if (size <= 0) return;
  const auto cols = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(size))));
  for (int64_t j = 0; j < size; ++j) {
    if ((j + 1) % cols != 0 && j + 1 < size) pairs.add(first + j, first + j + 1);
    if (j + cols < size) pairs.add(first + j, first + j + cols);
  }
}

/// Groups of `group` nodes (the last one takes the remainder), each a path plus every
/// other pair with probability `density`, consecutive groups joined by one edge.
void add_communities(PairList& pairs, int64_t first, int64_t size, int64_t group, double density, at::Generator& gen) {
  for (int64_t start = 0; start < size; start += group) {
    const int64_t len = (size - start < 2 * group) ? size - start : group;
    const auto draws = at::rand({len * len}, gen);
    const auto* u = draws.data_ptr<float>();
    for (int64_t i = 0; i < len; ++i)
      for (int64_t j = i + 1; j < len; ++j)
        if (j == i + 1 || u[i * len + j] < density) pairs.add(first + start + i, first + start + j);
    if (start > 0) pairs.add(first + start - 1, first + start);
    if (len != group) break;
  }
}

}  // namespace

GraphData make_synthetic_graph(const SyntheticGraphOptions& o, at::Tensor* parts_out) {
  check_input(o.classes > 1, kWhere, "synthetic.classes must be at least 2");
  check_input(o.features >= 1, kWhere, "synthetic.features must be at least 1");
  check_input(o.nodes >= o.classes * (o.train_per_class + 1), kWhere,
              "synthetic.nodes=" + std::to_string(o.nodes) + " is too few for " + std::to_string(o.classes) +
                  " classes of " + std::to_string(o.train_per_class) + " training nodes and more");
  check_input(o.tree_fraction >= 0 && o.grid_fraction >= 0 && o.tree_fraction + o.grid_fraction <= 1, kWhere,
              "tree_fraction and grid_fraction must be >= 0 with a sum <= 1");
  check_input(o.tree_branching >= 1 && o.community_size >= 2, kWhere,
              "tree_branching must be >= 1 and community_size >= 2");
  check_input(o.community_density >= 0 && o.community_density <= 1 && o.intra_degree >= 0 && o.inter_degree >= 0,
              kWhere, "community_density must lie in [0, 1] and the degrees be >= 0");

  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(o.seed);
  const int64_t n = o.nodes, c = o.classes;

  // Slots: class k holds n / c slots (the first n % c classes one more), each class
  // laid out as tree, grid, communities.
  std::vector<int64_t> slot_class(static_cast<size_t>(n)), slot_part(static_cast<size_t>(n));
  PairList pairs;
  int64_t first = 0;
  for (int64_t k = 0; k < c; ++k) {
    const int64_t size = n / c + (k < n % c ? 1 : 0);
    const int64_t tree = std::llround(o.tree_fraction * static_cast<double>(size));
    const int64_t grid = std::min(size - tree, static_cast<int64_t>(std::llround(o.grid_fraction * static_cast<double>(size))));
    const int64_t comm = size - tree - grid;
    for (int64_t i = 0; i < size; ++i) {
      slot_class[static_cast<size_t>(first + i)] = k;
      slot_part[static_cast<size_t>(first + i)] =
          static_cast<int64_t>(i < tree ? SyntheticPart::Tree : i < tree + grid ? SyntheticPart::Grid : SyntheticPart::Community);
    }
    add_tree(pairs, first, tree, o.tree_branching);
    add_grid(pairs, first + tree, grid);
    add_communities(pairs, first + tree + grid, comm, o.community_size, o.community_density, gen);
    // Tie the three structures together: tree root - first grid node, last grid node -
    // first community node (skipping a structure that is empty).
    std::vector<std::pair<int64_t, int64_t>> pieces;  // (first slot, last slot)
    if (tree > 0) pieces.emplace_back(first, first);
    if (grid > 0) pieces.emplace_back(first + tree, first + tree + grid - 1);
    if (comm > 0) pieces.emplace_back(first + tree + grid, first + size - 1);
    for (size_t p = 1; p < pieces.size(); ++p) pairs.add(pieces[p - 1].second, pieces[p].first);
    first += size;
  }

  // SBM edges among the community nodes only, so that trees and grids keep their
  // geometry: pairs i < j of community slots, drawn a block of rows at a time so that
  // memory stays O(rows * M); the draw order is fixed, so the result depends on the seed only.
  std::vector<int64_t> comm_slots;
  for (int64_t s = 0; s < n; ++s)
    if (slot_part[static_cast<size_t>(s)] == static_cast<int64_t>(SyntheticPart::Community)) comm_slots.push_back(s);
  const int64_t m = static_cast<int64_t>(comm_slots.size());
  if (m > 1) {
    const auto slots = at::tensor(comm_slots, at::kLong);
    const auto comm_class = at::tensor(slot_class, at::kLong).index_select(0, slots);
    const double block = static_cast<double>(m) / static_cast<double>(c);
    const double p_in = std::min(1.0, o.intra_degree / std::max(1.0, block - 1.0));
    const double p_out = std::min(1.0, o.inter_degree / std::max(1.0, static_cast<double>(m) - block));
    constexpr int64_t kRows = 256;
    for (int64_t r0 = 0; r0 < m; r0 += kRows) {
      const int64_t rows = std::min(kRows, m - r0);
      const auto same = comm_class.narrow(0, r0, rows).unsqueeze(1).eq(comm_class.unsqueeze(0));
      const auto prob = at::where(same, at::full({}, p_in, at::kDouble), at::full({}, p_out, at::kDouble));
      const auto keep = at::rand({rows, m}, gen, at::kDouble).lt(prob).triu(r0 + 1).nonzero();
      const auto acc = keep.accessor<int64_t, 2>();
      for (int64_t e = 0; e < keep.size(0); ++e)
        pairs.add(comm_slots[static_cast<size_t>(r0 + acc[e][0])], comm_slots[static_cast<size_t>(acc[e][1])]);
    }
  }
  const auto cls = at::tensor(slot_class, at::kLong);

  GraphData g;
  g.name = "synthetic";
  g.num_classes = c;
  const auto node_of_slot = at::randperm(n, gen, at::kLong);
  g.y = at::empty({n}, at::kLong).index_copy_(0, node_of_slot, cls);
  const auto slot_pairs = at::stack({at::tensor(pairs.a, at::kLong), at::tensor(pairs.b, at::kLong)});
  g.edge_index = undirected_edge_index(node_of_slot.index_select(0, slot_pairs.view(-1)).view({2, -1}), n, kWhere);
  if (parts_out) *parts_out = at::empty({n}, at::kLong).index_copy_(0, node_of_slot, at::tensor(slot_part, at::kLong));

  // Binary bag-of-words features, as in the citation graphs.
  auto class_words = at::rand({c, o.features}, gen).lt(o.class_word_fraction).to(at::kFloat);
  auto rate = class_words.index_select(0, g.y) * o.word_rate + o.noise_rate;
  g.x = at::rand({n, o.features}, gen).lt(rate).to(at::kFloat);

  // The split draws from its own generator (same seed) so that changing the split
  // sizes leaves the graph itself unchanged.
  const auto split = random_per_class_split(g.y, c, o.train_per_class, o.val, o.test, o.seed, kWhere);
  g.train_mask = split.train, g.val_mask = split.val, g.test_mask = split.test;
  g.num_stored_splits = 1;
  g.split = "public";
  validate(g, kWhere);
  return g;
}

}  // namespace moezoo::datasets::graph
