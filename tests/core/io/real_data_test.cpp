// The real graph archives under $MOEZOO_DATA, and damaged copies of them.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/io/npz.h"
#include "tests/core/io/io_test_util.h"
#include "tests/support/test_data.h"

namespace moezoo::io {
namespace {

namespace fs = std::filesystem;
using Shape = std::vector<std::int64_t>;

std::int64_t count_true(const NpyArray& mask) {
  const auto v = to_c_order(mask).values<bool>();
  return std::count(v.begin(), v.end(), true);
}

TEST(RealData, PlanetoidCora) {
  MOEZOO_REQUIRE_DATA(path, "graph/planetoid/cora.npz");
  const auto arrays = read_npz(path);
  EXPECT_EQ(arrays.size(), 6u);
  const NpyArray& x = arrays.at("x");
  EXPECT_EQ(x.dtype, DType::Float32);
  EXPECT_EQ(x.shape, (Shape{2708, 1433}));
  const NpyArray& y = arrays.at("y");
  EXPECT_EQ(y.dtype, DType::Int64);
  EXPECT_EQ(y.shape, Shape{2708});
  const auto labels = y.values<std::int64_t>();
  EXPECT_EQ(*std::min_element(labels.begin(), labels.end()), 0);
  EXPECT_EQ(*std::max_element(labels.begin(), labels.end()), 6);
  const NpyArray& edges = arrays.at("edge_index");
  EXPECT_EQ(edges.dtype, DType::Int64);
  EXPECT_EQ(edges.shape, (Shape{2, 10556}));
  // numpy stored the edge list column-major (a transposed [E, 2] array).
  const auto e = to_c_order(edges).values<std::int64_t>();
  for (std::size_t i = 0; i < e.size(); ++i) {
    ASSERT_GE(e[i], 0);
    ASSERT_LT(e[i], 2708);
  }
  for (std::size_t i = 0; i < 10556; ++i) ASSERT_NE(e[i], e[10556 + i]) << "no self loops";
  EXPECT_EQ(count_true(arrays.at("train_mask")), 140);
  EXPECT_EQ(count_true(arrays.at("val_mask")), 500);
  EXPECT_EQ(count_true(arrays.at("test_mask")), 1000);
  EXPECT_EQ(arrays.at("train_mask").dtype, DType::Bool);
  // Features are row-normalised bag-of-words counts: never negative.
  const auto xv = x.values<float>();
  EXPECT_GE(*std::min_element(xv.begin(), xv.end()), 0.0f);
  EXPECT_EQ(read_npz_member(path, "y"), y);
}

TEST(RealData, HeterophilousTexas) {
  MOEZOO_REQUIRE_DATA(path, "graph/heterophilous/texas.npz");
  const auto keys = list_npz(path);
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()),
            (std::set<std::string>{"node_features", "node_labels", "edges", "train_masks", "val_masks", "test_masks"}));
  const auto arrays = read_npz(path);
  EXPECT_EQ(arrays.at("node_features").dtype, DType::Float32);
  EXPECT_EQ(arrays.at("node_features").shape, (Shape{183, 1703}));
  EXPECT_EQ(arrays.at("node_labels").dtype, DType::Int64);
  EXPECT_EQ(arrays.at("node_labels").shape, Shape{183});
  EXPECT_EQ(arrays.at("edges").shape, (Shape{279, 2}));
  for (const char* mask : {"train_masks", "val_masks", "test_masks"}) {
    EXPECT_EQ(arrays.at(mask).dtype, DType::Bool) << mask;
    EXPECT_EQ(arrays.at(mask).shape, (Shape{10, 183})) << mask;
    EXPECT_TRUE(arrays.at(mask).fortran_order) << mask;
  }
  // Every split puts each node in at most one of train/val/test.
  const auto tr = to_c_order(arrays.at("train_masks")).values<bool>();
  const auto va = to_c_order(arrays.at("val_masks")).values<bool>();
  const auto te = to_c_order(arrays.at("test_masks")).values<bool>();
  for (std::size_t i = 0; i < tr.size(); ++i) ASSERT_LE(int(tr[i]) + int(va[i]) + int(te[i]), 1) << i;
  EXPECT_EQ(std::count(tr.begin(), tr.end(), true), 870);
}

TEST(RealData, StringMembersAreRefusedButOthersStayReadable) {
  MOEZOO_REQUIRE_DATA(path, "graph/gnn_benchmark/cora.npz");
  testing::expect_error([&] { read_npz(path); }, {path.string() + ":node_names.npy: ", "unicode string"});
  EXPECT_EQ(read_npz_member(path, "labels").shape, Shape{2708});
}

// Cuts at the start, inside the first member, in the middle of the largest member,
// inside the central directory and inside the end record, plus byte flips inside
// compressed member data: all must be a moezoo::Error naming the copy.
TEST(RealData, DamagedCopiesOfCoraAreErrors) {
  MOEZOO_REQUIRE_DATA(path, "graph/planetoid/cora.npz");
  const std::string bytes = testing::read_bytes(path);
  ASSERT_GT(bytes.size(), 100000u);
  const auto dir = moezoo::testing::temp_dir("io_real");
  const auto copy = dir / "cora_damaged.npz";
  const std::size_t eocd = bytes.rfind(std::string("PK\x05\x06", 4));
  const std::size_t central = bytes.rfind(std::string("PK\x01\x02", 4));
  ASSERT_NE(eocd, std::string::npos);
  ASSERT_NE(central, std::string::npos);
  for (std::size_t cut : {std::size_t{0}, std::size_t{3}, std::size_t{40}, std::size_t{1000}, bytes.size() / 2,
                          central - 1, central + 20, eocd - 5, eocd + 10, bytes.size() - 1}) {
    testing::write_bytes(copy, bytes.substr(0, cut));
    EXPECT_FALSE(testing::succeeds_or_names([&] { read_npz(copy); }, "cora_damaged.npz", "cut " + std::to_string(cut)))
        << "cut at " << cut << " read without error";
  }
  for (std::size_t at : {std::size_t{200}, bytes.size() / 3, bytes.size() / 2}) {
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x04);
    testing::write_bytes(copy, flipped);
    EXPECT_FALSE(testing::succeeds_or_names([&] { read_npz(copy); }, "cora_damaged.npz", "flip " + std::to_string(at)))
        << "flip at " << at << " read without error";
  }
}

}  // namespace
}  // namespace moezoo::io
