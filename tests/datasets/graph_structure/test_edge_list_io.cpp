#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "datasets/graph_structure/edge_list_io.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using namespace moezoo::datasets::graph_structure;
namespace fs = std::filesystem;

namespace {

/// The error message of reading `text` as an edge list ("" when it reads fine).
std::string read_error(const fs::path& dir, const std::string& text, int64_t num_nodes = -1) {
  const auto path = dir / "edges.txt";
  write_file_atomically(path, text);
  try {
    read_edge_list(path, num_nodes);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(EdgeListIo, ReadsSpacesCommasTabsAndComments) {
  const auto dir = moezoo::testing::temp_dir("edge_list");
  write_file_atomically(dir / "e.txt", "# header comment\n0 1\n1,2\n\n2\t3\r\n3, 0\n1 0\n4 4\n");
  const auto g = read_edge_list(dir / "e.txt");
  EXPECT_EQ(g.num_nodes(), 5);  // largest id + 1
  EXPECT_EQ(g.edges(), (std::vector<Edge>{{0, 1}, {0, 3}, {1, 2}, {2, 3}}));
  EXPECT_FALSE(g.weighted());
  EXPECT_EQ(read_edge_list(dir / "e.txt", 9).num_nodes(), 9);

  write_file_atomically(dir / "w.txt", "0 1 0.5\n1 2 2e-1\n2 0 3\n");
  const auto w = read_edge_list(dir / "w.txt");
  EXPECT_TRUE(w.weighted());
  EXPECT_EQ(w.weights(), (std::vector<double>{0.5, 3.0, 0.2}));
  fs::remove_all(dir);
}

TEST(EdgeListIo, BadInputNamesFileAndLine) {
  const auto dir = moezoo::testing::temp_dir("edge_list");
  const std::string file = (dir / "edges.txt").string();
  auto expect = [&](const std::string& text, const std::string& where, const std::string& what, int64_t n = -1) {
    const auto message = read_error(dir, text, n);
    EXPECT_NE(message.find(file + ":" + where), std::string::npos) << message;
    EXPECT_NE(message.find(what), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
  };
  expect("0 1\n1 x2\n", "2", "'x2' is not a node id");
  expect("0 1\n-1 2\n", "2", "'-1' is not a node id");
  expect("0 1\n1 2.5\n", "2", "'2.5' is not a node id");
  expect("0 1\n1 2\n2 7\n", "3", "node id 7 is outside [0, 5)", 5);
  expect("0 1 2 3\n", "1", "4 columns");
  expect("0\n", "1", "1 columns");
  expect("0 1\n1 2 0.5\n", "2", "3 columns where earlier lines have 2");
  expect("0 1 1.0\n1 2 -3\n", "2", "must be finite and > 0");
  expect("0 1 1.0\n1 2 abc\n", "2", "'abc' is not a number");
  expect("0 1 1.0\n1 0 2.0\n", "", "appears with different weights");
  EXPECT_THROW(read_edge_list(dir / "missing.txt"), Error);
  fs::remove_all(dir);
}

TEST(EdgeListIo, CsvRoundTripsEveryDigit) {
  const auto dir = moezoo::testing::temp_dir("edge_list");
  const auto g = SimpleGraph::from_edges(4, {{0, 1}, {1, 2}});  // node 3 isolated
  GraphCurvature c;
  c.ollivier_ricci = {0.1 + 0.2, -1.0 / 3.0};
  c.forman = {-1, -2};
  c.forman_augmented = {-1, 1};
  fill_node_curvature(g, c);
  write_edge_curvature_csv(dir / "edges.csv", g, c);
  write_node_curvature_csv(dir / "nodes.csv", g, c);
  EXPECT_EQ(read_file_bytes(dir / "edges.csv"),
            "u,v,ollivier_ricci,forman,forman_augmented\n"
            "0,1,0.30000000000000004,-1,-1\n"
            "1,2,-0.3333333333333333,-2,1\n");
  EXPECT_EQ(std::stod("0.30000000000000004"), 0.1 + 0.2);
  const std::string nodes = read_file_bytes(dir / "nodes.csv");
  EXPECT_NE(nodes.find("3,0,0,0,0\n"), std::string::npos) << nodes;  // isolated: degree 0, zeros
  EXPECT_NE(nodes.find("2,1,-0.3333333333333333,-2,1\n"), std::string::npos) << nodes;
  EXPECT_EQ(std::stod("-0.3333333333333333"), -1.0 / 3.0);
  GraphCurvature wrong = c;
  wrong.forman.pop_back();
  EXPECT_THROW(write_edge_curvature_csv(dir / "bad.csv", g, wrong), Error);
  fs::remove_all(dir);
}
