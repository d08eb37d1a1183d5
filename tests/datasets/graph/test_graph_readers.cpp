// The gnn-benchmark (CSR) and heterophilous readers on the real files of
// $MOEZOO_DATA/graph, against numbers measured on the same files with numpy/scipy.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <filesystem>

#include "core/io/npz.h"
#include "core/io/tensor_convert.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "datasets/graph/gnn_benchmark.h"
#include "datasets/graph/heterophilous.h"
#include "tests/datasets/graph/graph_test_util.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using namespace moezoo::datasets::graph;
using moezoo::testing::edge_checksum;
using moezoo::testing::throws_error_with;
using moezoo::testing::undirected_simple;

namespace {

// Expected values measured with numpy on the shared files:
//   z = np.load(f); e = z['edges']; s, d = r_[e[:,0], e[:,1]], r_[e[:,1], e[:,0]]
//   keys = np.unique((s * N + d)[s != d])       # symmetrised, no loops, no repeats
//   edges = len(keys); checksum = keys.sum(); feature_sum = node_features.astype(f8).sum()
//   train/val/test = train_masks[i].sum() etc. for the split rows i = 0 and 9.
struct HeteroCase {
  const char* name;
  int64_t nodes, features, classes, edges, checksum;
  double feature_sum;
  int64_t train0, val0, test0, train9, val9, test9;
};

const HeteroCase kHetero[] = {
    {"actor", 7600, 932, 5, 53318, 1523819041327LL, 40977.0, 3648, 2432, 1520, 3648, 2432, 1520},
    {"chameleon", 2277, 2325, 5, 62742, 183400682004LL, 29157.0, 1092, 729, 456, 1092, 729, 456},
    {"chameleon_directed", 2277, 2325, 5, 62742, 183400682004LL, 29157.0, 1092, 729, 456, 1092, 729, 456},
    {"chameleon_filtered", 890, 2325, 5, 17708, 7217054559LL, 9903.0, 409, 287, 194, 426, 278, 186},
    {"chameleon_filtered_directed", 890, 2325, 5, 17708, 7217054559LL, 9903.0, 409, 287, 194, 426, 278, 186},
    {"cornell", 183, 1703, 5, 554, 8682408LL, 17240.0, 87, 59, 37, 87, 59, 37},
    {"minesweeper", 10000, 7, 2, 78804, 3940199960598LL, 10000.0, 5000, 2500, 2500, 5000, 2500, 2500},
    {"squirrel", 5201, 2089, 5, 396706, 6552910896552LL, 93477.0, 2496, 1664, 1041, 2496, 1664, 1041},
    {"squirrel_directed", 5201, 2089, 5, 396706, 6552910896552LL, 93477.0, 2496, 1664, 1041, 2496, 1664, 1041},
    {"squirrel_filtered", 2223, 2089, 5, 93996, 272834846736LL, 32481.0, 1053, 718, 452, 1074, 733, 416},
    {"squirrel_filtered_directed", 2223, 2089, 5, 93996, 272834846736LL, 32481.0, 1053, 718, 452, 1074, 733, 416},
    {"texas", 183, 1703, 5, 558, 8452776LL, 15266.0, 87, 59, 37, 87, 59, 37},
    {"texas_4_classes", 183, 1703, 5, 558, 8452776LL, 15266.0, 87, 58, 37, 86, 59, 37},
    {"tolokers", 11758, 10, 2, 1038000, 72048148010113LL, 44970.000052578136, 5879, 2939, 2940, 5879, 2939, 2940},
    {"wisconsin", 251, 1703, 5, 900, 27199620LL, 24057.0, 120, 80, 51, 120, 80, 51},
};

class Heterophilous : public ::testing::TestWithParam<HeteroCase> {};

std::string case_name(const ::testing::TestParamInfo<HeteroCase>& info) { return info.param.name; }

}  // namespace

TEST_P(Heterophilous, CountsSymmetryAndStoredSplitsMatchNumpy) {
  const auto& c = GetParam();
  MOEZOO_REQUIRE_DATA(path, std::string("graph/heterophilous/") + c.name + ".npz");
  // One load per file (squirrel's features inflate to 43 MB): split 9, the last row.
  const auto g = load_heterophilous_npz(path, 9);
  EXPECT_EQ(g.name, c.name);
  EXPECT_EQ(g.num_nodes(), c.nodes);
  EXPECT_EQ(g.num_features(), c.features);
  EXPECT_EQ(g.num_classes, c.classes);
  EXPECT_EQ(g.num_edges(), c.edges);
  EXPECT_TRUE(undirected_simple(g.edge_index, c.nodes));
  EXPECT_EQ(edge_checksum(g.edge_index, c.nodes), c.checksum);
  EXPECT_NEAR(g.x.to(torch::kDouble).sum().item<double>(), c.feature_sum, 1e-9 * c.feature_sum);
  EXPECT_EQ(g.num_stored_splits, 10);
  EXPECT_EQ(g.split, "stored 9 of 10");
  EXPECT_EQ(g.train_mask.sum().item<int64_t>(), c.train9);
  EXPECT_EQ(g.val_mask.sum().item<int64_t>(), c.val9);
  EXPECT_EQ(g.test_mask.sum().item<int64_t>(), c.test9);
  EXPECT_FALSE((g.train_mask & (g.val_mask | g.test_mask)).any().item<bool>());

  // Stored split i is row i of the file's masks (read here without the reader).
  auto member = [&](const char* key) { return io::to_tensor(io::read_npz_member(path, key)); };
  const auto train = member("train_masks"), val = member("val_masks"), test = member("test_masks");
  EXPECT_TRUE(torch::equal(g.train_mask, train[9]));
  EXPECT_TRUE(torch::equal(g.val_mask, val[9]));
  EXPECT_TRUE(torch::equal(g.test_mask, test[9]));
  EXPECT_EQ(train[0].sum().item<int64_t>(), c.train0);
  EXPECT_EQ(val[0].sum().item<int64_t>(), c.val0);
  EXPECT_EQ(test[0].sum().item<int64_t>(), c.test0);
  EXPECT_TRUE(torch::equal(g.y, member("node_labels")));
}

INSTANTIATE_TEST_SUITE_P(RealFiles, Heterophilous, ::testing::ValuesIn(kHetero), case_name);

TEST(HeterophilousReader, DirectedFileSymmetrisesToItsUndirectedTwin) {
  MOEZOO_REQUIRE_DATA(directed, "graph/heterophilous/chameleon_filtered_directed.npz");
  MOEZOO_REQUIRE_DATA(plain, "graph/heterophilous/chameleon_filtered.npz");
  // 13584 stored arcs (50 self loops, 9360 arcs in reciprocal pairs) are 8854 edges.
  EXPECT_EQ(io::load_npz(directed).at("edges").size(0), 13584);
  EXPECT_TRUE(torch::equal(load_heterophilous_npz(directed).edge_index, load_heterophilous_npz(plain).edge_index));
}

TEST(HeterophilousReader, Texas4ClassesLeavesItsSingletonClassOutOfEverySplit) {
  MOEZOO_REQUIRE_DATA(path, "graph/heterophilous/texas_4_classes.npz");
  for (int64_t i : {0, 5, 9}) {
    const auto g = load_heterophilous_npz(path, i);
    const auto any = g.train_mask | g.val_mask | g.test_mask;
    EXPECT_EQ(any.sum().item<int64_t>(), 182);
    EXPECT_EQ(g.y.index({any}).eq(1).sum().item<int64_t>(), 0);  // node 25, the only node of class 1
    EXPECT_EQ(g.y[25].item<int64_t>(), 1);
  }
}

TEST(HeterophilousReader, BadSplitIndexTruncatedCorruptAndBadArraysAreNamed) {
  MOEZOO_REQUIRE_DATA(path, "graph/heterophilous/texas.npz");
  EXPECT_TRUE(throws_error_with([&] { load_heterophilous_npz(path, 10); },
                                {"texas.npz", "data.split_index=10 is out of range: the file stores 10 splits"}));
  EXPECT_TRUE(throws_error_with([&] { load_heterophilous_npz(path, -1); }, {"texas.npz", "split_index=-1"}));

  const auto dir = moezoo::testing::temp_dir("hetero");
  const auto bytes = read_file_bytes(path);
  write_file_atomically(dir / "texas_cut.npz", bytes.substr(0, bytes.size() * 2 / 3));
  EXPECT_TRUE(throws_error_with([&] { load_heterophilous_npz(dir / "texas_cut.npz"); }, {"texas_cut.npz"}));
  // Flipped bytes inside the first (deflated) member: inflate or CRC check fails.
  auto corrupt = bytes;
  for (size_t i = 200; i < 260; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  write_file_atomically(dir / "texas_bad.npz", corrupt);
  EXPECT_TRUE(throws_error_with([&] { load_heterophilous_npz(dir / "texas_bad.npz"); }, {"texas_bad.npz"}));

  auto masks = torch::zeros({10, 3}, torch::kBool);
  masks.index_put_({torch::indexing::Slice(), 0}, true);
  std::map<std::string, torch::Tensor> arrays = {{"node_features", torch::zeros({3, 2})},
                                                 {"node_labels", torch::tensor({0, 1, 1}, torch::kLong)},
                                                 {"edges", torch::tensor({0, 1, 1, 3}, torch::kLong).view({2, 2})},
                                                 {"train_masks", masks},
                                                 {"val_masks", torch::zeros({10, 3}, torch::kBool)},
                                                 {"test_masks", torch::zeros({10, 3}, torch::kBool)}};
  io::save_npz(dir / "outside.npz", arrays);
  EXPECT_TRUE(throws_error_with([&] { load_heterophilous_npz(dir / "outside.npz"); },
                                {"outside.npz: edges", "node 3, outside [0, 3)"}));
  arrays["edges"] = torch::tensor({0, 1, 1, 2}, torch::kLong).view({2, 2});
  io::save_npz(dir / "good.npz", arrays);
  const auto small = load_heterophilous_npz(dir / "good.npz", 4);
  EXPECT_TRUE(torch::equal(small.edge_index, torch::tensor({0, 1, 1, 2, 1, 0, 2, 1}).view({2, 4})));
  EXPECT_EQ(small.train_mask.sum().item<int64_t>(), 1);
  arrays.erase("val_masks");
  io::save_npz(dir / "nokey.npz", arrays);
  EXPECT_TRUE(throws_error_with([&] { load_heterophilous_npz(dir / "nokey.npz"); },
                                {"nokey.npz", "missing array 'val_masks'"}));
}

TEST(GnnBenchmark, CoraCsrMatchesScipy) {
  MOEZOO_REQUIRE_DATA(path, "graph/gnn_benchmark/cora.npz");
  const auto g = load_gnn_benchmark_npz(path);
  // scipy: A = csr_matrix((adj_data, adj_indices, adj_indptr), adj_shape) holds 5429 arcs,
  // no self loops; symmetrised as above: 10556 arcs (5278 edges), checksum 41888576205.
  EXPECT_EQ(g.num_nodes(), 2708);
  EXPECT_EQ(g.num_features(), 1433);
  EXPECT_EQ(g.num_classes, 7);
  EXPECT_EQ(g.num_edges(), 10556);
  EXPECT_TRUE(undirected_simple(g.edge_index, 2708));
  EXPECT_EQ(edge_checksum(g.edge_index, 2708), 41888576205LL);
  // Sorted by (source, target): the first arcs are 0-1184, 0-1207, 0-1408.
  EXPECT_TRUE(torch::equal(g.edge_index.narrow(1, 0, 3), torch::tensor({0, 0, 0, 1184, 1207, 1408}).view({2, 3})));
  EXPECT_EQ(g.x.sum().item<double>(), 49216.0);  // binary attributes, attr_data all 1
  EXPECT_TRUE(torch::equal(g.x[5].nonzero().view(-1).narrow(0, 0, 6), torch::tensor({0, 4, 39, 54, 78, 94})));
  EXPECT_TRUE(torch::equal(torch::bincount(g.y), torch::tensor({298, 418, 818, 426, 217, 180, 351})));
  EXPECT_EQ(g.num_stored_splits, 0);
  EXPECT_FALSE(g.train_mask.defined());
}

TEST(GnnBenchmark, CiteSeerDropsSelfLoopsAndSkipsStringArrays) {
  MOEZOO_REQUIRE_DATA(path, "graph/gnn_benchmark/citeseer.npz");
  // The file also holds node_names (<U33) and class_names (<U6), which the reader never reads.
  const auto g = load_gnn_benchmark_npz(path);
  // scipy: 4715 arcs, 124 of them self loops; symmetrised without loops: 9072 arcs.
  EXPECT_EQ(g.num_nodes(), 3312);
  EXPECT_EQ(g.num_features(), 3703);
  EXPECT_EQ(g.num_classes, 6);
  EXPECT_EQ(g.num_edges(), 9072);
  EXPECT_TRUE(undirected_simple(g.edge_index, 3312));
  EXPECT_EQ(edge_checksum(g.edge_index, 3312), 50361466271LL);
  EXPECT_EQ(g.x.sum().item<double>(), 105165.0);
  EXPECT_TRUE(torch::equal(torch::bincount(g.y), torch::tensor({249, 596, 701, 508, 668, 590})));
  // 48 nodes are isolated once the self loops are gone.
  EXPECT_EQ((torch::bincount(g.edge_index[0], {}, 3312) == 0).sum().item<int64_t>(), 48);
}

TEST(GnnBenchmark, TruncatedCopyAndBrokenCsrAreNamed) {
  MOEZOO_REQUIRE_DATA(path, "graph/gnn_benchmark/cora.npz");
  const auto dir = moezoo::testing::temp_dir("gnn");
  const auto bytes = read_file_bytes(path);
  write_file_atomically(dir / "cora_cut.npz", bytes.substr(0, bytes.size() / 2));
  EXPECT_TRUE(throws_error_with([&] { load_gnn_benchmark_npz(dir / "cora_cut.npz"); }, {"cora_cut.npz"}));

  auto csr = [](std::map<std::string, torch::Tensor>& a, const std::string& p, torch::Tensor indptr,
                torch::Tensor indices, int64_t rows, int64_t cols) {
    a[p + "_indptr"] = indptr;
    a[p + "_indices"] = indices;
    a[p + "_data"] = torch::ones({indices.size(0)});
    a[p + "_shape"] = torch::tensor({rows, cols});
  };
  std::map<std::string, torch::Tensor> a;
  csr(a, "adj", torch::tensor({0, 1, 2, 2}, torch::kInt), torch::tensor({1, 2}, torch::kInt), 3, 3);
  csr(a, "attr", torch::tensor({0, 1, 2, 3}, torch::kInt), torch::tensor({0, 1, 1}, torch::kInt), 3, 2);
  a["labels"] = torch::tensor({0, 1, 0}, torch::kByte);
  io::save_npz(dir / "good.npz", a);
  const auto g = load_gnn_benchmark_npz(dir / "good.npz");
  EXPECT_TRUE(torch::equal(g.edge_index, torch::tensor({0, 1, 1, 2, 1, 0, 2, 1}).view({2, 4})));
  EXPECT_TRUE(torch::equal(g.x, torch::tensor({1.f, 0.f, 0.f, 1.f, 0.f, 1.f}).view({3, 2})));

  auto bad = a;
  csr(bad, "adj", torch::tensor({0, 2, 1, 2}, torch::kInt), torch::tensor({1, 2}, torch::kInt), 3, 3);
  io::save_npz(dir / "indptr.npz", bad);
  EXPECT_TRUE(throws_error_with([&] { load_gnn_benchmark_npz(dir / "indptr.npz"); },
                                {"indptr.npz: adj_indptr", "must rise from 0"}));
  bad = a;
  csr(bad, "attr", torch::tensor({0, 1, 2, 3}, torch::kInt), torch::tensor({0, 1, 2}, torch::kInt), 3, 2);
  io::save_npz(dir / "column.npz", bad);
  EXPECT_TRUE(throws_error_with([&] { load_gnn_benchmark_npz(dir / "column.npz"); },
                                {"column.npz: attr_indices", "outside [0, 2)"}));
  bad = a;
  bad.erase("labels");
  io::save_npz(dir / "nolabels.npz", bad);
  EXPECT_TRUE(throws_error_with([&] { load_gnn_benchmark_npz(dir / "nolabels.npz"); }, {"nolabels.npz", "labels"}));
}
