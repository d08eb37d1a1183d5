#pragma once
/// A deterministic synthetic node-classification graph, so the graph pipeline
/// runs on a machine without data: a planted-partition stochastic block model
/// (class = block) with binary bag-of-words features drawn from per-class word sets.

#include <cstdint>

#include "datasets/graph/graph_data.h"

namespace moezoo::datasets::graph {

struct SyntheticGraphOptions {
  int64_t nodes = 1000;
  int64_t classes = 5;
  int64_t features = 64;
  double intra_degree = 6.0;   ///< expected neighbours inside the block
  double inter_degree = 1.5;   ///< expected neighbours outside it
  double class_word_fraction = 0.1;  ///< share of the vocabulary that belongs to a class
  double word_rate = 0.3;            ///< probability that a node uses one of its class's words
  double noise_rate = 0.05;          ///< probability of any other word
  int64_t train_per_class = 20, val = 200, test = 400;
  uint64_t seed = 0;
};

GraphData make_synthetic_graph(const SyntheticGraphOptions& options);

}  // namespace moezoo::datasets::graph
