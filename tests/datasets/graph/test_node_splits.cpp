// Node splits: PyG's RandomNodeSplit reproduced exactly, the per-class ratio split
// against a Python reference of the documented algorithm, sizes, disjointness,
// determinism, and errors naming the key.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <array>

#include "core/runtime/config.h"
#include "core/util/error.h"
#include "datasets/graph/node_splits.h"
#include "datasets/graph/planetoid.h"
#include "tests/datasets/graph/graph_test_util.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using namespace moezoo::datasets::graph;
using moezoo::testing::mask_fingerprint;
using moezoo::testing::throws_error_with;
using Fp = std::array<int64_t, 3>;

namespace {

void expect_partition(const SplitMasks& m, bool covers_all) {
  EXPECT_FALSE((m.train & m.val).any().item<bool>());
  EXPECT_FALSE((m.train & m.test).any().item<bool>());
  EXPECT_FALSE((m.val & m.test).any().item<bool>());
  if (covers_all) {
    EXPECT_TRUE((m.train | m.val | m.test).all().item<bool>());
  }
}

}  // namespace

// Expected fingerprints (count, sum of indices, sum of squared indices) from torch_geometric
// 2.8.1 on the same file with the same torch:
//   torch.manual_seed(seed)
//   d = RandomNodeSplit(split, num_train_per_class=20, num_val=500, num_test=1000)(Data(y=y, num_nodes=N))
TEST(RandomPerClassSplit, EqualsPygRandomNodeSplitOnCora) {
  MOEZOO_REQUIRE_DATA(path, "graph/planetoid/cora.npz");
  const auto g = load_planetoid_npz(path);
  struct Case {
    uint64_t seed;
    int64_t test_size;
    Fp train, val, test;
  };
  const Case cases[] = {
      {0, 1000, {140, 184048, 327501078}, {500, 686896, 1256118680}, {1000, 1364050, 2478257114}},
      {0, -1, {140, 184048, 327501078}, {500, 686896, 1256118680}, {2068, 2794334, 5032207032}},
      {7, 1000, {140, 197098, 361250616}, {500, 684018, 1243689178}, {1000, 1359317, 2465184319}},
      {7, -1, {140, 197098, 361250616}, {500, 684018, 1243689178}, {2068, 2784162, 5010886996}},
  };
  for (const auto& c : cases) {
    const auto m = random_per_class_split(g.y, 7, 20, 500, c.test_size, c.seed, "cora");
    EXPECT_EQ(mask_fingerprint(m.train), c.train) << "seed " << c.seed;
    EXPECT_EQ(mask_fingerprint(m.val), c.val) << "seed " << c.seed;
    EXPECT_EQ(mask_fingerprint(m.test), c.test) << "seed " << c.seed << " test " << c.test_size;
    EXPECT_TRUE(torch::equal(torch::bincount(g.y.index({m.train}), {}, 7), torch::full({7}, 20, torch::kLong)));
    expect_partition(m, c.test_size < 0);
  }
  // PyG's first training nodes for seed 0: 76, 84, 92, 108, 124.
  const auto m0 = random_per_class_split(g.y, 7, 20, 500, 1000, 0, "cora");
  EXPECT_TRUE(torch::equal(m0.train.nonzero().view(-1).narrow(0, 0, 5), torch::tensor({76, 84, 92, 108, 124})));
}

TEST(RandomPerClassSplit, DeterministicDifferentAcrossSeedsAndSmallClassesGoWhole) {
  // Class 2 has 3 nodes, fewer than train_per_class: all three train, none left for val/test.
  const auto y = torch::cat({torch::zeros({30}, torch::kLong), torch::ones({30}, torch::kLong),
                             torch::full({3}, 2, torch::kLong)});
  const auto a = random_per_class_split(y, 3, 5, 10, -1, 11, "toy");
  const auto b = random_per_class_split(y, 3, 5, 10, -1, 11, "toy");
  const auto c = random_per_class_split(y, 3, 5, 10, -1, 12, "toy");
  EXPECT_TRUE(torch::equal(a.train, b.train) && torch::equal(a.val, b.val) && torch::equal(a.test, b.test));
  EXPECT_FALSE(torch::equal(a.train, c.train));
  EXPECT_TRUE(torch::equal(torch::bincount(y.index({a.train}), {}, 3), torch::tensor({5, 5, 3})));
  EXPECT_EQ(a.val.sum().item<int64_t>(), 10);
  EXPECT_EQ(a.test.sum().item<int64_t>(), 63 - 13 - 10);
  EXPECT_FALSE((y.eq(2) & (a.val | a.test)).any().item<bool>());
  expect_partition(a, true);
  // The global torch seed plays no part.
  torch::manual_seed(123);
  const auto d = random_per_class_split(y, 3, 5, 10, -1, 11, "toy");
  torch::manual_seed(456);
  EXPECT_TRUE(torch::equal(d.val, random_per_class_split(y, 3, 5, 10, -1, 11, "toy").val));
  EXPECT_TRUE(torch::equal(d.val, a.val));
}

TEST(RandomPerClassSplit, TooFewNodesLeftIsAnErrorNotASmallerSplit) {
  const auto y = torch::arange(40, torch::kLong).remainder(2);
  EXPECT_TRUE(throws_error_with([&] { random_per_class_split(y, 2, 5, 31, 0, 0, "toy.txt"); },
                                {"toy.txt", "data.val_size=31 but only 30 nodes remain"}));
  EXPECT_TRUE(throws_error_with([&] { random_per_class_split(y, 2, 5, 20, 11, 0, "toy.txt"); },
                                {"toy.txt", "data.test_size=11 but only 10 nodes remain"}));
  EXPECT_TRUE(throws_error_with([&] { random_per_class_split(y, 2, 0, 5, 5, 0, "toy.txt"); },
                                {"data.train_per_class must be >= 1"}));
  EXPECT_TRUE(throws_error_with([&] { random_per_class_split(y, 1, 5, 5, 5, 0, "toy.txt"); },
                                {"toy.txt", "labels outside [0, 1)"}));
}

// Reference: the algorithm of ratio_split's comment written in Python with
//   g = torch.Generator().manual_seed(seed); per class c: idx = (y == c).nonzero()[torch.randperm(n_c, generator=g)]
//   a = floor(0.6 n_c + 0.5); b = floor(0.8 n_c + 0.5); train idx[:a], val idx[a:b], test idx[b:]
// (not stratified: the same on torch.randperm(N, generator=g)).
TEST(RatioSplit, EqualsPythonReferenceOnCoraAndTexas) {
  MOEZOO_REQUIRE_DATA(cora, "graph/planetoid/cora.npz");
  const auto y = load_planetoid_npz(cora).y;
  auto m = ratio_split(y, 7, 0.6, 0.2, true, 3, "cora");
  EXPECT_EQ(mask_fingerprint(m.train), (Fp{1626, 2205530, 3988451742}));
  EXPECT_EQ(mask_fingerprint(m.val), (Fp{540, 727803, 1299476453}));
  EXPECT_EQ(mask_fingerprint(m.test), (Fp{542, 731945, 1327898595}));
  expect_partition(m, true);
  m = ratio_split(y, 7, 0.6, 0.2, false, 3, "cora");
  EXPECT_EQ(mask_fingerprint(m.train), (Fp{1625, 2202968, 3966283460}));
  EXPECT_EQ(mask_fingerprint(m.val), (Fp{541, 715780, 1273919776}));
  EXPECT_EQ(mask_fingerprint(m.test), (Fp{542, 746530, 1375623554}));
  expect_partition(m, true);

  // Texas (classes of 33, 1, 18, 101, 30 nodes): per-class rounding.
  const auto texas = torch::cat({torch::full({33}, 0), torch::full({1}, 1), torch::full({18}, 2),
                                 torch::full({101}, 3), torch::full({30}, 4)}).to(torch::kLong);
  m = ratio_split(texas, 5, 0.6, 0.2, true, 0, "texas");
  EXPECT_TRUE(torch::equal(torch::bincount(texas.index({m.train}), {}, 5), torch::tensor({20, 1, 11, 61, 18})));
  EXPECT_TRUE(torch::equal(torch::bincount(texas.index({m.val}), {}, 5), torch::tensor({6, 0, 3, 20, 6})));
  EXPECT_TRUE(torch::equal(torch::bincount(texas.index({m.test}), {}, 5), torch::tensor({7, 0, 4, 20, 6})));
  const auto again = ratio_split(texas, 5, 0.6, 0.2, true, 0, "texas");
  EXPECT_TRUE(torch::equal(m.train, again.train) && torch::equal(m.test, again.test));
  EXPECT_FALSE(torch::equal(m.train, ratio_split(texas, 5, 0.6, 0.2, true, 1, "texas").train));
}

TEST(RatioSplit, BadRatiosAreNamed) {
  const auto y = torch::zeros({10}, torch::kLong);
  EXPECT_TRUE(throws_error_with([&] { ratio_split(y, 1, 0.8, 0.2, true, 0, "g"); },
                                {"g: data.train_ratio=0.8 and data.val_ratio=0.2", "train_ratio + val_ratio < 1"}));
  EXPECT_TRUE(throws_error_with([&] { ratio_split(y, 1, 0.0, 0.2, true, 0, "g"); }, {"train_ratio > 0"}));
}

TEST(NodeSplitOptions, ReadsOnlyTheChosenKindsKeys) {
  auto config = runtime::Config::from_string("data: {split: ratio, train_ratio: 0.5, split_seed: 4}");
  auto o = node_split_options(config.at("data"), SplitKind::Stored);
  EXPECT_EQ(o.kind, SplitKind::Ratio);
  EXPECT_EQ(o.train_ratio, 0.5);
  EXPECT_EQ(o.val_ratio, 0.2);
  EXPECT_EQ(o.seed, 4u);
  EXPECT_NO_THROW(config.check_all_keys_used());

  // A key of another kind is reported as unused, so it cannot pass silently.
  config = runtime::Config::from_string("data: {split: public, train_per_class: 10}");
  o = node_split_options(config.at("data"), SplitKind::RandomPerClass);
  EXPECT_EQ(o.kind, SplitKind::Stored);
  EXPECT_TRUE(throws_error_with([&] { config.check_all_keys_used(); }, {"data.train_per_class"}));

  config = runtime::Config::from_string("data: {}");
  EXPECT_EQ(node_split_options(config.at("data"), SplitKind::RandomPerClass).kind, SplitKind::RandomPerClass);
  EXPECT_EQ(config.get<std::string>("data.split"), "random_per_class");  // the default is written into the run config

  config = runtime::Config::from_string("data: {split: geom_gcn}");
  EXPECT_TRUE(throws_error_with([&] { node_split_options(config.at("data"), SplitKind::Stored); },
                                {"data.split: unknown split 'geom_gcn'", "random_per_class"}));
}

TEST(ApplyNodeSplit, StoredNeedsAStoredSplitInRange) {
  GraphData g;
  g.y = torch::arange(30, torch::kLong).remainder(3);
  g.num_classes = 3;
  NodeSplitOptions o;
  EXPECT_TRUE(throws_error_with([&] { apply_node_split(g, o, "gnn.npz"); },
                                {"gnn.npz: data.split=public/stored, but this dataset stores no split"}));
  g.num_stored_splits = 1;
  g.train_mask = g.val_mask = g.test_mask = torch::zeros({30}, torch::kBool);
  o.split_index = 1;
  EXPECT_TRUE(throws_error_with([&] { apply_node_split(g, o, "cora.npz"); },
                                {"cora.npz: data.split_index=1 is out of range: the dataset stores 1 split"}));
  o.kind = SplitKind::RandomPerClass;
  o.train_per_class = 2;
  o.val_size = 6;
  o.test_size = -1;
  o.seed = 5;
  apply_node_split(g, o, "toy");
  EXPECT_EQ(g.split, "random_per_class 2/6/rest seed 5");
  EXPECT_EQ(g.train_mask.sum().item<int64_t>(), 6);
  EXPECT_EQ(g.test_mask.sum().item<int64_t>(), 18);
}
