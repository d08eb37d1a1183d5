// The plain-text graph reader (edge list, labels, optional feature CSV) on small files
// written here, good and bad; every error names the file and the line.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <fstream>

#include "core/runtime/config.h"
#include "core/util/error.h"
#include "datasets/graph/edge_list.h"
#include "datasets/graph/graph_datasets.h"
#include "tests/datasets/graph/graph_test_util.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using namespace moezoo::datasets::graph;
using moezoo::testing::throws_error_with;
namespace fs = std::filesystem;

namespace {

fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return dir / name;
}

// 4 nodes; the edge list repeats 0-1 in both directions, has a self loop on 3 (which
// leaves 3 isolated), a comment line, a trailing comment, a header and mixed separators.
const char* kEdges =
    "# a triangle and an isolated node\n"
    "source,target\n"
    "0 1\n"
    "1,2\n"
    "\n"
    "2\t0   # closing the triangle\n"
    "1 0\n"
    "3 3\n";

}  // namespace

TEST(EdgeList, ReadsHeaderCommentsSeparatorsAndMakesTheGraphSimple) {
  const auto dir = moezoo::testing::temp_dir("edgelist");
  EdgeListOptions o;
  o.edges = write(dir, "edges.txt", kEdges);
  o.labels = write(dir, "labels.txt", "label\n0\n1\n1\n0\n");
  auto g = load_edge_list(o);
  EXPECT_EQ(g.name, "edges");
  EXPECT_EQ(g.num_nodes(), 4);
  EXPECT_EQ(g.num_classes, 2);
  EXPECT_TRUE(torch::equal(g.edge_index, torch::tensor({0, 0, 1, 1, 2, 2, 1, 2, 0, 2, 0, 1}).view({2, 6})));
  EXPECT_TRUE(torch::equal(g.y, torch::tensor({0, 1, 1, 0})));
  EXPECT_TRUE(torch::equal(g.x, torch::eye(4)));  // identity features by default
  EXPECT_EQ(g.num_stored_splits, 0);

  o.default_features = "constant";
  EXPECT_TRUE(torch::equal(load_edge_list(o).x, torch::ones({4, 1})));

  // Labels as "node label" pairs in any order; features as a CSV with a header.
  o.labels = write(dir, "pairs.txt", "2 1\n0 0\n3 0\n1 1\n");
  o.features = write(dir, "features.csv", "a,b\n1.5,0\n0,2\n-1e-3, 4\n0.25,0.5\n");
  g = load_edge_list(o);
  EXPECT_TRUE(torch::equal(g.y, torch::tensor({0, 1, 1, 0})));
  EXPECT_TRUE(torch::equal(g.x, torch::tensor({1.5f, 0.f, 0.f, 2.f, -1e-3f, 4.f, 0.25f, 0.5f}).view({4, 2})));
}

TEST(EdgeList, BadFilesNameTheFileAndLine) {
  const auto dir = moezoo::testing::temp_dir("edgelist");
  EdgeListOptions o;
  o.labels = write(dir, "labels.txt", "0\n1\n1\n0\n");
  auto edges_error = [&](const std::string& text, std::initializer_list<std::string> parts) {
    o.edges = write(dir, "bad_edges.txt", text);
    return throws_error_with([&] { load_edge_list(o); }, parts);
  };
  EXPECT_TRUE(edges_error("0 1\n1 2 0.5\n", {"bad_edges.txt:2:", "found 3 fields (edge weights are not supported)"}));
  EXPECT_TRUE(edges_error("0 1\n# c\n\n1 x\n", {"bad_edges.txt:4:", "expected an integer, found 'x'"}));
  EXPECT_TRUE(edges_error("0 1\n7 2\n", {"bad_edges.txt:2:", "node 7 outside [0, 4)"}));
  EXPECT_TRUE(edges_error("0 -1\n", {"bad_edges.txt:1:", "node -1 outside [0, 4)"}));
  EXPECT_TRUE(edges_error("0,,1\n", {"bad_edges.txt:1:", "empty field 2"}));
  EXPECT_TRUE(edges_error("0 1.5\n", {"bad_edges.txt:1:", "expected an integer, found '1.5'"}));

  o.edges = write(dir, "edges.txt", kEdges);
  o.features = write(dir, "features.csv", "1,2\n3,4\n5\n7,8\n");
  EXPECT_TRUE(throws_error_with([&] { load_edge_list(o); }, {"features.csv:3:", "expected 2 values like the first row"}));
  o.features = write(dir, "features.csv", "1,2\n3,4\n5,6\n");
  EXPECT_TRUE(throws_error_with([&] { load_edge_list(o); }, {"features.csv", "3 feature rows for 4 labelled nodes"}));
  o.features = write(dir, "features.csv", "1,2\n3,nan\n5,6\n7,8\n");
  EXPECT_TRUE(throws_error_with([&] { load_edge_list(o); }, {"features.csv:2:", "'nan' is not a finite number"}));
  o.features.clear();

  o.labels = write(dir, "labels.txt", "0\n1\nbird\n0\n");
  EXPECT_TRUE(throws_error_with([&] { load_edge_list(o); }, {"labels.txt:3:", "expected an integer, found 'bird'"}));
  o.labels = write(dir, "labels.txt", "0 1\n1 1\n0 0\n3 1\n");
  EXPECT_TRUE(throws_error_with([&] { load_edge_list(o); }, {"labels.txt:3:", "node 0 is labelled twice"}));
  o.labels = write(dir, "labels.txt", "0\n-2\n1\n0\n");
  EXPECT_TRUE(throws_error_with([&] { load_edge_list(o); }, {"labels.txt:2:", "negative label -2"}));
  o.labels = dir / "missing.txt";
  EXPECT_TRUE(throws_error_with([&] { load_edge_list(o); }, {"missing.txt: file not found"}));

  o.labels = write(dir, "labels.txt", "0\n1\n1\n0\n");
  o.default_features = "random";
  EXPECT_TRUE(throws_error_with([&] { load_edge_list(o); }, {"data.default_features: unknown value 'random'"}));
  o.default_features = "identity";
  o.max_identity_nodes = 3;
  EXPECT_TRUE(throws_error_with([&] { load_edge_list(o); }, {"data.default_features", "data.default_features=constant"}));
}

TEST(EdgeList, ThroughTheRegistryWithPathsUnderTheDataRoot) {
  const auto root = moezoo::testing::temp_dir("edgelist");
  fs::create_directories(root / "mine");
  // Two classes of 12 nodes, each a ring.
  std::string edges, labels;
  for (int i = 0; i < 24; ++i) {
    const int next = i < 12 ? (i + 1) % 12 : 12 + (i - 11) % 12;
    edges += std::to_string(i) + "," + std::to_string(next) + "\n";
    labels += std::to_string(i / 12) + "\n";
  }
  write(root / "mine", "ring.csv", edges);
  write(root / "mine", "ring_labels.txt", labels);
  auto config = runtime::Config::from_string(
      "data: {name: edgelist, edges: mine/ring.csv, labels: mine/ring_labels.txt, default_features: constant,"
      " split: ratio, train_ratio: 0.5, val_ratio: 0.25, split_seed: 2}");
  const auto g = load_graph_dataset(config.at("data"), root);
  EXPECT_EQ(g.name, "ring");
  EXPECT_EQ(g.num_edges(), 48);
  EXPECT_TRUE(moezoo::testing::undirected_simple(g.edge_index, 24));
  EXPECT_EQ(g.train_mask.sum().item<int64_t>(), 12);  // 6 per class
  EXPECT_EQ(g.val_mask.sum().item<int64_t>(), 6);
  EXPECT_EQ(g.test_mask.sum().item<int64_t>(), 6);
  EXPECT_EQ(g.split, "ratio 0.5/0.25 per class seed 2");
  EXPECT_NO_THROW(config.check_all_keys_used());

  config = runtime::Config::from_string("data: {name: edgelist, edges: nowhere.txt, labels: l.txt}");
  EXPECT_TRUE(throws_error_with([&] { load_graph_dataset(config.at("data"), root); },
                                {"data.edges: 'nowhere.txt' not found (looked under the data root"}));
}
