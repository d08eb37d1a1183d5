#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/io/tensor_convert.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "datasets/graph/planetoid.h"
#include "datasets/graph/synthetic_graph.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using namespace moezoo::datasets::graph;

TEST(Planetoid, CoraPublicSplit) {
  MOEZOO_REQUIRE_DATA(path, "graph/planetoid/cora.npz");
  const auto g = load_planetoid_npz(path);
  EXPECT_EQ(g.num_nodes(), 2708);
  EXPECT_EQ(g.num_features(), 1433);
  EXPECT_EQ(g.num_classes, 7);
  EXPECT_EQ(g.num_edges(), 10556);
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

TEST(SyntheticGraph, DeterministicAndHomophilous) {
  SyntheticGraphOptions o;
  const auto a = make_synthetic_graph(o), b = make_synthetic_graph(o);
  EXPECT_TRUE(torch::equal(a.edge_index, b.edge_index));
  EXPECT_TRUE(torch::equal(a.x, b.x));
  const auto same = a.y.index_select(0, a.edge_index[0]).eq(a.y.index_select(0, a.edge_index[1]));
  EXPECT_GT(same.to(torch::kFloat).mean().item<double>(), 0.6);  // expected 6 / 7.5
  EXPECT_EQ(a.train_mask.sum().item<int64_t>(), o.classes * o.train_per_class);
  EXPECT_FALSE((a.train_mask & a.test_mask).any().item<bool>());
}
