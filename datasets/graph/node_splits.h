#pragma once
/// Train/validation/test node splits for transductive node classification: the
/// split a file stores (Planetoid's public split, the 10 heterophilous splits), a
/// random split with a fixed number of training nodes per class (Planetoid-style,
/// Shchur et al. 2018), and a per-class ratio split (60/20/20, Geom-GCN, Pei et al.
/// 2020). Generated splits draw from their own generator seeded by `data.split_seed`,
/// never from the global torch seed, so that a model seed and a split seed vary
/// independently and a split is the same on every run.
///
/// Config keys under `data` (read only for the chosen kind, so a key of another kind
/// is reported as unused):
///   split: public | stored | random_per_class | ratio  (default: per dataset)
///   split_index: 0          (stored/public: row of a file with several splits)
///   split_seed: 0           (random_per_class, ratio)
///   train_per_class: 20, val_size: 500, test_size: 1000 (-1: every remaining node)
///   train_ratio: 0.6, val_ratio: 0.2 (the rest is test), stratified: true

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

#include "core/runtime/config.h"
#include "datasets/graph/graph_data.h"

namespace moezoo::datasets::graph {

/// Train, validation and test masks, each [N] bool, pairwise disjoint.
struct SplitMasks {
  at::Tensor train, val, test;
};

enum class SplitKind {
  Stored,          ///< the file's own split ("public" is its alias, Planetoid's name for it)
  RandomPerClass,  ///< train_per_class per class, then val_size and test_size at random
  Ratio,           ///< train_ratio / val_ratio / rest, per class when stratified
};

/// "stored", "public", "random_per_class", "ratio" -> kind; anything else is an
/// Error naming `where` (the config key) and the valid names.
SplitKind parse_split_kind(const std::string& name, const std::string& where);

struct NodeSplitOptions {
  SplitKind kind = SplitKind::Stored;
  int64_t split_index = 0;  ///< Stored: which stored split
  uint64_t seed = 0;        ///< RandomPerClass, Ratio
  int64_t train_per_class = 20;
  int64_t val_size = 500;
  int64_t test_size = 1000;  ///< -1: every node not in train or val
  double train_ratio = 0.6;
  double val_ratio = 0.2;
  bool stratified = true;
};

/// Reads `split` (default `default_kind`) and then only the keys of that kind.
NodeSplitOptions node_split_options(const runtime::Config& data, SplitKind default_kind);

/// PyTorch Geometric's RandomNodeSplit(split="random") -- or split="test_rest" when
/// test_size is -1 -- step for step: per class c = 0..C-1 a permutation of its nodes
/// gives its first train_per_class (all of them when the class is smaller), then a
/// permutation of the remaining nodes gives val_size validation and test_size test
/// nodes. With the same generator stream the masks are those PyG makes after
/// torch.manual_seed(seed) (tested on Cora). Unlike PyG, asking for more validation or
/// test nodes than remain is an Error naming `where`, not a silently smaller split.
/// y: [N] int64 in [0, num_classes).
SplitMasks random_per_class_split(const at::Tensor& y, int64_t num_classes, int64_t train_per_class,
                                  int64_t val_size, int64_t test_size, uint64_t seed, const std::string& where);

/// Ratio split. Stratified (Geom-GCN: "we randomly split nodes of each class into 60%,
/// 20%, and 20%"): per class c = 0..C-1 with n_c nodes in a random order, the first
/// round(train_ratio * n_c) train, up to round((train_ratio + val_ratio) * n_c) val, the
/// rest test -- rounding the cumulative share keeps every class's counts summing to
/// n_c. Not stratified: the same over one permutation of all nodes (the
/// heterophilous-graphs benchmark's 50/25/25). Needs train_ratio > 0, val_ratio >= 0
/// and train_ratio + val_ratio < 1.
SplitMasks ratio_split(const at::Tensor& y, int64_t num_classes, double train_ratio, double val_ratio, bool stratified,
                       uint64_t seed, const std::string& where);

/// Gives `graph` the split `options` asks for. Stored: the graph must already hold its
/// stored split `options.split_index` (readers load that row), so this only checks
/// that the source has stored splits and that the index is in range; otherwise the
/// masks are replaced by a generated split. Sets graph.split. Errors name `where`.
void apply_node_split(GraphData& graph, const NodeSplitOptions& options, const std::string& where);

}  // namespace moezoo::datasets::graph
