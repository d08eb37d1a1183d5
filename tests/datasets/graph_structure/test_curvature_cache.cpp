#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/util/atomic_file.h"
#include "datasets/graph_structure/curvature_cache.h"
#include "tests/datasets/graph_structure/reference_curvature.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using namespace moezoo::datasets::graph_structure;
using moezoo::testing::graph_structure::random_graph;
namespace fs = std::filesystem;

namespace {

void expect_same_values(const GraphCurvature& a, const GraphCurvature& b) {
  EXPECT_EQ(a.ollivier_ricci, b.ollivier_ricci);
  EXPECT_EQ(a.forman, b.forman);
  EXPECT_EQ(a.forman_augmented, b.forman_augmented);
  EXPECT_EQ(a.node_ollivier_ricci, b.node_ollivier_ricci);
  EXPECT_EQ(a.node_forman_augmented, b.node_forman_augmented);
}

}  // namespace

TEST(CurvatureCache, ComputesOnceThenReads) {
  const auto dir = moezoo::testing::temp_dir("curvature_cache");
  const auto graph = random_graph(2, 80, 0.05, false);
  OllivierRicciOptions options;
  const auto first = cached_graph_curvature(graph, options, dir);
  EXPECT_FALSE(first.from_cache);
  EXPECT_TRUE(first.warning.empty()) << first.warning;
  EXPECT_TRUE(fs::exists(first.file));
  EXPECT_EQ(first.file.parent_path(), dir);
  expect_same_values(first.curvature, compute_graph_curvature(graph, options));

  const auto second = cached_graph_curvature(graph, options, dir);
  EXPECT_TRUE(second.from_cache);
  expect_same_values(second.curvature, first.curvature);

  // Thread count is not part of the key; alpha, distance and lengths are.
  options.threads = 2;
  EXPECT_EQ(curvature_cache_key(graph, options), curvature_cache_key(graph, OllivierRicciOptions{}));
  OllivierRicciOptions other_alpha;
  other_alpha.alpha = 0.25;
  EXPECT_NE(curvature_cache_key(graph, other_alpha), curvature_cache_key(graph, options));
  OllivierRicciOptions weighted;
  weighted.distance = DistanceKind::kWeighted;
  EXPECT_NE(curvature_cache_key(graph, weighted), curvature_cache_key(graph, options));
  const auto lengths = random_graph(2, 80, 0.05, true);
  EXPECT_EQ(lengths.edges(), graph.edges());
  EXPECT_NE(curvature_cache_key(lengths, options), curvature_cache_key(graph, options));
  const auto third = cached_graph_curvature(graph, other_alpha, dir);
  EXPECT_FALSE(third.from_cache);
  EXPECT_NE(third.file, first.file);
  fs::remove_all(dir);
}

TEST(CurvatureCache, CorruptEntriesAreRecomputedWithAWarning) {
  const auto dir = moezoo::testing::temp_dir("curvature_cache");
  const auto graph = random_graph(3, 60, 0.05, false);
  const OllivierRicciOptions options;
  const auto good = cached_graph_curvature(graph, options, dir);
  const std::string bytes = read_file_bytes(good.file);

  struct Damage {
    std::string name, bytes, expected_reason;
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x10);
  std::string other_version = bytes;
  other_version[8] = 9;
  const std::vector<Damage> damages{
      {"truncated", bytes.substr(0, bytes.size() - 100), "truncated"},
      {"flipped byte", flipped, "checksum"},
      {"empty", "", "bad magic"},
      {"other version", other_version, "version"},
      {"text", "not a cache file at all, but long enough to hold a header of 56 bytes.......", "bad magic"},
  };
  for (const auto& damage : damages) {
    write_file_atomically(good.file, damage.bytes);
    const auto again = cached_graph_curvature(graph, options, dir);
    EXPECT_FALSE(again.from_cache) << damage.name;
    EXPECT_NE(again.warning.find(damage.expected_reason), std::string::npos) << damage.name << ": " << again.warning;
    EXPECT_NE(again.warning.find(good.file.string()), std::string::npos) << again.warning;
    expect_same_values(again.curvature, good.curvature);
    // The entry was rewritten and is good again.
    EXPECT_TRUE(cached_graph_curvature(graph, options, dir).from_cache) << damage.name;
  }
  fs::remove_all(dir);
}

TEST(CurvatureCache, UnwritableDirectoryOnlyWarns) {
  const auto dir = moezoo::testing::temp_dir("curvature_cache");
  const auto blocker = dir / "not_a_directory";
  write_file_atomically(blocker, "x");
  const auto graph = random_graph(4, 30, 0.1, false);
  const auto result = cached_graph_curvature(graph, OllivierRicciOptions{}, blocker / "cache");
  EXPECT_FALSE(result.from_cache);
  EXPECT_NE(result.warning.find("cannot write"), std::string::npos) << result.warning;
  expect_same_values(result.curvature, compute_graph_curvature(graph, OllivierRicciOptions{}));
  fs::remove_all(dir);
}

TEST(CurvatureCache, DefaultDirectoryFollowsTheEnvironment) {
  const char* saved = std::getenv("MOEZOO_CACHE");
  const std::string saved_value = saved ? saved : "";
  ::setenv("MOEZOO_CACHE", "/some/cache", 1);
  EXPECT_EQ(default_curvature_cache_dir(), fs::path("/some/cache/curvature"));
  ::unsetenv("MOEZOO_CACHE");
  EXPECT_EQ(default_curvature_cache_dir().filename(), "curvature");
  if (saved) ::setenv("MOEZOO_CACHE", saved_value.c_str(), 1);
}
