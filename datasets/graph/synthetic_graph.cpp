#include "datasets/graph/synthetic_graph.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "core/util/error.h"

namespace moezoo::datasets::graph {

GraphData make_synthetic_graph(const SyntheticGraphOptions& o) {
  check_input(o.nodes >= o.classes * (o.train_per_class + 1) && o.classes > 1, "synthetic graph",
              "too few nodes for the requested classes and split");
  auto gen = at::make_generator<at::CPUGeneratorImpl>(o.seed);
  const int64_t n = o.nodes;
  GraphData g;
  g.name = "synthetic";
  g.num_classes = o.classes;
  g.y = at::arange(n, at::kLong).remainder(o.classes).index_select(0, at::randperm(n, gen, at::kLong));

  // Edges: i<j kept with probability p_in (same block) or p_out, then mirrored.
  const double p_in = o.intra_degree / (static_cast<double>(n) / o.classes);
  const double p_out = o.inter_degree / (static_cast<double>(n) * (o.classes - 1) / o.classes);
  auto same = g.y.unsqueeze(0).eq(g.y.unsqueeze(1));
  auto prob = at::where(same, at::full({}, p_in), at::full({}, p_out));
  auto keep = at::rand({n, n}, gen).lt(prob).triu(1);
  auto upper = keep.nonzero().t();  // [2, E/2]
  g.edge_index = at::cat({upper, upper.flip(0)}, 1).contiguous();

  // Binary bag-of-words features, as in the citation graphs: each class turns
  // on its own words with probability `word_rate`, every word also fires at `noise_rate`.
  auto class_words = at::rand({o.classes, o.features}, gen).lt(o.class_word_fraction).to(at::kFloat);
  auto rate = class_words.index_select(0, g.y) * o.word_rate + o.noise_rate;
  g.x = at::rand({n, o.features}, gen).lt(rate).to(at::kFloat);

  // Split: train_per_class per class, then val and test from the rest, in a seeded order.
  auto order = at::randperm(n, gen, at::kLong);
  g.train_mask = at::zeros({n}, at::kBool);
  g.val_mask = at::zeros({n}, at::kBool);
  g.test_mask = at::zeros({n}, at::kBool);
  std::vector<int64_t> taken(o.classes, 0);
  int64_t val = 0, test = 0;
  auto y = g.y.accessor<int64_t, 1>();
  auto tr = g.train_mask.accessor<bool, 1>(), va = g.val_mask.accessor<bool, 1>(), te = g.test_mask.accessor<bool, 1>();
  auto ord = order.accessor<int64_t, 1>();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t node = ord[i];
    if (taken[y[node]] < o.train_per_class) {
      tr[node] = true;
      ++taken[y[node]];
    } else if (val < o.val) {
      va[node] = true;
      ++val;
    } else if (test < o.test) {
      te[node] = true;
      ++test;
    }
  }
  validate(g, "synthetic graph");
  return g;
}

}  // namespace moezoo::datasets::graph
