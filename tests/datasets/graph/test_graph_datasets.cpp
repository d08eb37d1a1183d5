#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/io/tensor_convert.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "core/runtime/config.h"
#include "datasets/graph/graph_datasets.h"
#include "datasets/graph/planetoid.h"
#include "tests/datasets/graph/graph_test_util.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using namespace moezoo::datasets::graph;
using moezoo::testing::throws_error_with;
namespace fs = std::filesystem;

namespace {

/// One intra-op thread for the whole executable: these graphs are small, and two OpenMP
/// threads busy-waiting on a shared 2-core machine doubled the run time (10 s -> 5 s),
/// as the graph configs found for training (train.threads: 1).
class OneThread : public ::testing::Environment {
 public:
  void SetUp() override { at::set_num_threads(1); }
};
[[maybe_unused]] ::testing::Environment* const kOneThread = ::testing::AddGlobalTestEnvironment(new OneThread);

}  // namespace

TEST(Planetoid, CoraPublicSplit) {
  MOEZOO_REQUIRE_DATA(path, "graph/planetoid/cora.npz");
  const auto g = load_planetoid_npz(path);
  EXPECT_EQ(g.num_nodes(), 2708);
  EXPECT_EQ(g.num_features(), 1433);
  EXPECT_EQ(g.num_classes, 7);
  EXPECT_EQ(g.num_edges(), 10556);
  // numpy: np.unique(edge_index[0] * N + edge_index[1]) has all 10556 arcs, sum 37438970562.
  EXPECT_TRUE(moezoo::testing::undirected_simple(g.edge_index, 2708));
  EXPECT_EQ(moezoo::testing::edge_checksum(g.edge_index, 2708), 37438970562LL);
  EXPECT_EQ(g.num_stored_splits, 1);
  EXPECT_EQ(g.train_mask.sum().item<int64_t>(), 140);
  EXPECT_EQ(g.val_mask.sum().item<int64_t>(), 500);
  EXPECT_EQ(g.test_mask.sum().item<int64_t>(), 1000);
  // 20 training nodes per class in the public split.
  EXPECT_TRUE(torch::equal(torch::bincount(g.y.index({g.train_mask})), torch::full({7}, 20, torch::kLong)));
}

TEST(Planetoid, CiteSeerPublicSplit) {
  MOEZOO_REQUIRE_DATA(path, "graph/planetoid/citeseer.npz");
  const auto g = load_planetoid_npz(path);
  EXPECT_EQ(g.num_nodes(), 3327);
  EXPECT_EQ(g.num_features(), 3703);
  EXPECT_EQ(g.num_classes, 6);
  EXPECT_EQ(g.num_edges(), 9104);
  EXPECT_TRUE(moezoo::testing::undirected_simple(g.edge_index, 3327));
  EXPECT_EQ(moezoo::testing::edge_checksum(g.edge_index, 3327), 49437093888LL);
  EXPECT_EQ(g.train_mask.sum().item<int64_t>(), 120);
}

TEST(Planetoid, MissingKeyAndBadLabelsAreNamed) {
  const auto dir = moezoo::testing::temp_dir("planetoid");
  io::save_npz(dir / "nokey.npz", {{"x", torch::zeros({3, 2})}, {"y", torch::zeros({3}, torch::kLong)}}, false);
  try {
    load_planetoid_npz(dir / "nokey.npz");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nokey.npz: missing array 'edge_index'"), std::string::npos) << e.what();
  }
  auto mask = torch::ones({3}, torch::kBool);
  io::save_npz(dir / "badedge.npz",
               {{"x", torch::zeros({3, 2})}, {"y", torch::zeros({3}, torch::kLong)},
                {"edge_index", torch::tensor({0, 5, 5, 0}, torch::kLong).view({2, 2})},
                {"train_mask", mask}, {"val_mask", mask}, {"test_mask", mask}},
               true);
  try {
    load_planetoid_npz(dir / "badedge.npz");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("edge_index refers to nodes outside [0, 3)"), std::string::npos) << e.what();
  }
}

TEST(Planetoid, TruncatedRealFileGivesAnErrorNamingIt) {
  MOEZOO_REQUIRE_DATA(path, "graph/planetoid/cora.npz");
  const auto bytes = read_file_bytes(path);
  const auto cut = moezoo::testing::temp_dir("planetoid") / "cora_cut.npz";
  write_file_atomically(cut, bytes.substr(0, bytes.size() / 2));
  try {
    load_planetoid_npz(cut);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cora_cut.npz"), std::string::npos) << e.what();
  }
}

namespace {

GraphData load(const std::string& yaml, const fs::path& root, runtime::Config* keep = nullptr) {
  auto config = runtime::Config::from_string(yaml);
  auto g = load_graph_dataset(config.at("data"), root);
  config.check_all_keys_used();
  if (keep) *keep = config;
  return g;
}

}  // namespace

TEST(GraphDatasets, EveryHeterophilousFileHasAnEntryAndEveryEntryADescription) {
  MOEZOO_REQUIRE_DATA(dir, "graph/heterophilous");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".npz") continue;
    ++files;
    EXPECT_TRUE(graph_datasets().contains(entry.path().stem().string())) << entry.path();
  }
  EXPECT_EQ(files, 15);
  for (const auto& e : graph_datasets().entries()) EXPECT_GT(e.description.size(), 20u) << e.name;
  for (const char* name : {"cora", "citeseer", "gnn_cora", "gnn_citeseer", "edgelist", "synthetic"})
    EXPECT_TRUE(graph_datasets().contains(name)) << name;
  EXPECT_NE(graph_datasets().listing().find("tolokers"), std::string::npos);
  EXPECT_TRUE(throws_error_with([] { graph_datasets().get("texsa"); }, {"unknown dataset 'texsa'", "did you mean 'texas'"}));
}

TEST(GraphDatasets, SplitsChosenByConfig) {
  MOEZOO_REQUIRE_DATA(cora, "graph/planetoid/cora.npz");
  const auto root = moezoo::testing::data_root();
  auto g = load("data: {name: cora}", root);
  EXPECT_EQ(g.split, "public");
  EXPECT_EQ(g.val_mask.sum().item<int64_t>(), 500);
  // Row-normalised features: every non-empty row sums to 1.
  EXPECT_NEAR(g.x.sum(1).max().item<float>(), 1.0f, 1e-6f);

  // The PyG fingerprint of seed 7 (see test_node_splits.cpp).
  g = load("data: {name: cora, split: random_per_class, split_seed: 7}", root);
  EXPECT_EQ(moezoo::testing::mask_fingerprint(g.train_mask), (std::array<int64_t, 3>{140, 197098, 361250616}));
  EXPECT_EQ(g.split, "random_per_class 20/500/1000 seed 7");
  EXPECT_TRUE(throws_error_with([&] { load("data: {name: cora, split_index: 1}", root); },
                                {"cora.npz: data.split_index=1 is out of range: the dataset stores 1 split"}));

  MOEZOO_REQUIRE_DATA(texas, "graph/heterophilous/texas.npz");
  const auto raw = io::load_npz(texas);
  g = load("data: {name: texas, split_index: 3}", root);
  EXPECT_EQ(g.num_stored_splits, 10);
  EXPECT_EQ(g.split, "stored 3 of 10");
  EXPECT_TRUE(torch::equal(g.train_mask, raw.at("train_masks")[3]));
  EXPECT_TRUE(torch::equal(g.val_mask, raw.at("val_masks")[3]));
  EXPECT_TRUE(torch::equal(g.test_mask, raw.at("test_masks")[3]));
  g = load("data: {name: texas, split: ratio, split_seed: 0}", root);
  EXPECT_TRUE(torch::equal(torch::bincount(g.y.index({g.train_mask}), {}, 5), torch::tensor({20, 1, 11, 61, 18})));
  // Texas has 183 nodes: the Planetoid-sized default of 500 validation nodes cannot be met.
  EXPECT_TRUE(throws_error_with([&] { load("data: {name: texas, split: random_per_class}", root); },
                                {"texas.npz: data.val_size=500 but only 104 nodes remain"}));

  MOEZOO_REQUIRE_DATA(gnn, "graph/gnn_benchmark/cora.npz");
  g = load("data: {name: gnn_cora, split_seed: 1}", root);
  EXPECT_EQ(g.name, "gnn_cora");
  EXPECT_EQ(g.num_stored_splits, 0);
  EXPECT_TRUE(torch::equal(torch::bincount(g.y.index({g.train_mask}), {}, 7), torch::full({7}, 20, torch::kLong)));
  EXPECT_EQ(g.test_mask.sum().item<int64_t>(), 1000);
  EXPECT_TRUE(throws_error_with([&] { load("data: {name: gnn_cora, split: public}", root); },
                                {"cora.npz: data.split=public/stored, but this dataset stores no split"}));
}

TEST(GraphDatasets, SyntheticAndTheFallback) {
  auto g = load("data: {name: synthetic, synthetic: {nodes: 300, classes: 3, seed: 2}}", fs::path());
  EXPECT_EQ(g.num_nodes(), 300);
  EXPECT_EQ(g.num_classes, 3);
  EXPECT_EQ(g.split, "public");
  g = load("data: {name: synthetic, synthetic: {nodes: 300, classes: 3}, split: ratio}", fs::path());
  EXPECT_EQ(g.train_mask.sum().item<int64_t>(), 180);

  const auto empty = moezoo::testing::temp_dir("datasets");
  EXPECT_TRUE(throws_error_with([&] { load("data: {name: cora}", empty); },
                                {"cora.npz: not found", "graph/planetoid/cora.npz"}));
  ::testing::internal::CaptureStderr();
  g = load("data: {name: cora, fallback_synthetic: true}", empty);
  const auto warning = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(g.name, "synthetic");
  EXPECT_EQ(g.num_nodes(), 600);
  EXPECT_NE(warning.find("training on the synthetic graph instead"), std::string::npos);
}
