#include "datasets/graph/node_splits.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/util/error.h"

namespace moezoo::datasets::graph {

namespace {

at::Tensor empty_mask(int64_t n) { return at::zeros({n}, at::kBool); }

/// idx in a random order drawn from `gen`: [k] int64.
at::Tensor shuffled(const at::Tensor& idx, at::Generator& gen) {
  return idx.index_select(0, at::randperm(idx.size(0), gen, at::kLong));
}

void check_labels(const at::Tensor& y, int64_t num_classes, const std::string& where) {
  check_input(y.defined() && y.dim() == 1 && y.scalar_type() == at::kLong, where, "labels must be an int64 array [N]");
  check_input(num_classes > 0, where, "a split needs at least one class");
  if (y.numel() > 0)
    check_input(y.min().item<int64_t>() >= 0 && y.max().item<int64_t>() < num_classes, where,
                "labels outside [0, " + std::to_string(num_classes) + ")");
}

std::string format_ratio(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

SplitKind parse_split_kind(const std::string& name, const std::string& where) {
  if (name == "stored" || name == "public") return SplitKind::Stored;
  if (name == "random_per_class") return SplitKind::RandomPerClass;
  if (name == "ratio") return SplitKind::Ratio;
  throw Error(where + ": unknown split '" + name + "' (expected public, stored, random_per_class or ratio)");
}

NodeSplitOptions node_split_options(const runtime::Config& data, SplitKind default_kind) {
  static const char* const kNames[] = {"public", "random_per_class", "ratio"};
  NodeSplitOptions o;
  o.kind = parse_split_kind(data.get<std::string>("split", kNames[static_cast<int>(default_kind)]), "data.split");
  switch (o.kind) {
    case SplitKind::Stored:
      o.split_index = data.get<int64_t>("split_index", o.split_index);
      break;
    case SplitKind::RandomPerClass:
      o.seed = static_cast<uint64_t>(data.get<int64_t>("split_seed", 0));
      o.train_per_class = data.get<int64_t>("train_per_class", o.train_per_class);
      o.val_size = data.get<int64_t>("val_size", o.val_size);
      o.test_size = data.get<int64_t>("test_size", o.test_size);
      break;
    case SplitKind::Ratio:
      o.seed = static_cast<uint64_t>(data.get<int64_t>("split_seed", 0));
      o.train_ratio = data.get<double>("train_ratio", o.train_ratio);
      o.val_ratio = data.get<double>("val_ratio", o.val_ratio);
      o.stratified = data.get<bool>("stratified", o.stratified);
      break;
  }
  return o;
}

SplitMasks random_per_class_split(const at::Tensor& y, int64_t num_classes, int64_t train_per_class,
                                  int64_t val_size, int64_t test_size, uint64_t seed, const std::string& where) {
  check_labels(y, num_classes, where);
  check_input(train_per_class >= 1, where, "data.train_per_class must be >= 1, got " + std::to_string(train_per_class));
  check_input(val_size >= 0, where, "data.val_size must be >= 0, got " + std::to_string(val_size));
  check_input(test_size >= -1, where, "data.test_size must be >= 0 or -1 (every remaining node), got " +
                                          std::to_string(test_size));
  const int64_t n = y.size(0);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  SplitMasks m{empty_mask(n), empty_mask(n), empty_mask(n)};
  for (int64_t c = 0; c < num_classes; ++c) {
    auto idx = shuffled(y.eq(c).nonzero().view(-1), gen);
    m.train.index_fill_(0, idx.narrow(0, 0, std::min(train_per_class, idx.size(0))), true);
  }
  auto remaining = shuffled(m.train.logical_not().nonzero().view(-1), gen);
  const int64_t left = remaining.size(0);
  check_input(val_size <= left, where,
              "data.val_size=" + std::to_string(val_size) + " but only " + std::to_string(left) +
                  " nodes remain after the training nodes");
  const int64_t test = test_size < 0 ? left - val_size : test_size;
  check_input(test <= left - val_size, where,
              "data.test_size=" + std::to_string(test_size) + " but only " + std::to_string(left - val_size) +
                  " nodes remain after the training and validation nodes (-1 takes them all)");
  m.val.index_fill_(0, remaining.narrow(0, 0, val_size), true);
  m.test.index_fill_(0, remaining.narrow(0, val_size, test), true);
  return m;
}

SplitMasks ratio_split(const at::Tensor& y, int64_t num_classes, double train_ratio, double val_ratio, bool stratified,
                       uint64_t seed, const std::string& where) {
  check_labels(y, num_classes, where);
  check_input(train_ratio > 0 && val_ratio >= 0 && train_ratio + val_ratio < 1, where,
              "data.train_ratio=" + format_ratio(train_ratio) + " and data.val_ratio=" + format_ratio(val_ratio) +
                  " must satisfy train_ratio > 0, val_ratio >= 0, train_ratio + val_ratio < 1 (the rest is test)");
  const int64_t n = y.size(0);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  SplitMasks m{empty_mask(n), empty_mask(n), empty_mask(n)};
  auto assign = [&](const at::Tensor& idx) {
    const int64_t k = idx.size(0);
    const int64_t a = std::llround(train_ratio * static_cast<double>(k));
    const int64_t b = std::llround((train_ratio + val_ratio) * static_cast<double>(k));
    m.train.index_fill_(0, idx.narrow(0, 0, a), true);
    m.val.index_fill_(0, idx.narrow(0, a, b - a), true);
    m.test.index_fill_(0, idx.narrow(0, b, k - b), true);
  };
  if (stratified) {
    for (int64_t c = 0; c < num_classes; ++c) assign(shuffled(y.eq(c).nonzero().view(-1), gen));
  } else {
    assign(at::randperm(n, gen, at::kLong));
  }
  return m;
}

void apply_node_split(GraphData& g, const NodeSplitOptions& o, const std::string& where) {
  switch (o.kind) {
    case SplitKind::Stored: {
      check_input(g.num_stored_splits > 0, where,
                  "data.split=public/stored, but this dataset stores no split; use data.split=random_per_class or "
                  "data.split=ratio");
      check_input(o.split_index >= 0 && o.split_index < g.num_stored_splits, where,
                  "data.split_index=" + std::to_string(o.split_index) + " is out of range: the dataset stores " +
                      std::to_string(g.num_stored_splits) + " split" + (g.num_stored_splits == 1 ? "" : "s"));
      check_input(g.train_mask.defined() && g.val_mask.defined() && g.test_mask.defined(), where,
                  "the stored split was not loaded");
      if (g.split.empty())
        g.split = g.num_stored_splits == 1 ? "public"
                                           : "stored " + std::to_string(o.split_index) + " of " +
                                                 std::to_string(g.num_stored_splits);
      return;
    }
    case SplitKind::RandomPerClass: {
      auto m = random_per_class_split(g.y, g.num_classes, o.train_per_class, o.val_size, o.test_size, o.seed, where);
      g.train_mask = m.train, g.val_mask = m.val, g.test_mask = m.test;
      g.split = "random_per_class " + std::to_string(o.train_per_class) + "/" + std::to_string(o.val_size) + "/" +
                (o.test_size < 0 ? std::string("rest") : std::to_string(o.test_size)) + " seed " + std::to_string(o.seed);
      return;
    }
    case SplitKind::Ratio: {
      auto m = ratio_split(g.y, g.num_classes, o.train_ratio, o.val_ratio, o.stratified, o.seed, where);
      g.train_mask = m.train, g.val_mask = m.val, g.test_mask = m.test;
      g.split = "ratio " + format_ratio(o.train_ratio) + "/" + format_ratio(o.val_ratio) +
                (o.stratified ? " per class" : "") + " seed " + std::to_string(o.seed);
      return;
    }
  }
}

}  // namespace moezoo::datasets::graph
