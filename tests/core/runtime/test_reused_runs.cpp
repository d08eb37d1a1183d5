// Runs read back from earlier results.csv files (reproduce's `reuse` key).

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/runtime/reused_runs.h"
#include "core/util/error.h"
#include "tests/support/error_matchers.h"
#include "tests/support/test_data.h"

namespace moezoo::runtime {
namespace {

std::filesystem::path write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file) << text;
  return file;
}

TEST(ReusedRuns, FindsRunsByKeyAndTheLastFileWins) {
  const auto dir = testing::temp_dir("reused");
  const auto first = write(dir / "a.csv",
                           "dataset,model,seed,test_acc,note\n"
                           "cora,gcn,0,0.81,\"first, quoted\"\n"
                           "cora,gcn,1,0.80,\n");
  const auto second = write(dir / "b.csv",
                            "model,dataset,seed,test_acc,note\n"  // columns in another order
                            "gcn,cora,1,0.82,again\n"
                            "mlp,cora,0,nan,\n");
  const ReusedRuns runs({first, second}, {"dataset", "model", "seed"}, {"test_acc"});
  EXPECT_EQ(runs.size(), 3u);
  const auto* a = runs.find({"cora", "gcn", "0"});
  ASSERT_NE(a, nullptr);
  EXPECT_DOUBLE_EQ(reused_number(*a, "test_acc", "a"), 0.81);
  EXPECT_EQ(reused_text(*a, "note", "a"), "first, quoted");
  const auto* b = runs.find({"cora", "gcn", "1"});
  ASSERT_NE(b, nullptr);
  EXPECT_DOUBLE_EQ(reused_number(*b, "test_acc", "b"), 0.82);
  EXPECT_TRUE(std::isnan(reused_number(*runs.find({"cora", "mlp", "0"}), "test_acc", "c")));
  EXPECT_EQ(runs.find({"cora", "gcn", "2"}), nullptr);
  EXPECT_EQ(ReusedRuns().find({"cora", "gcn", "0"}), nullptr);
}

TEST(ReusedRuns, ConfigFingerprintsTellRunsApart) {
  const std::string a = config_fingerprint("model:\n  hidden: 64\n"), b = config_fingerprint("model:\n  hidden: 16\n");
  EXPECT_EQ(a.size(), 16u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, config_fingerprint("model:\n  hidden: 64\n"));
  EXPECT_TRUE(same_config({{"config", a}}, a));
  EXPECT_FALSE(same_config({{"config", b}}, a));
  EXPECT_TRUE(same_config({{"seed", "0"}}, a));  // a file from before the column: taken on trust
}

TEST(ReusedRuns, BadFilesAndValuesAreNamed) {
  const auto dir = testing::temp_dir("reused");
  const auto no_seed = write(dir / "no_seed.csv", "dataset,model\ncora,gcn\n");
  EXPECT_TRUE(testing::throws_error_with(
      [&] {
        ReusedRuns({no_seed}, {"dataset", "model", "seed"}, {});
      },
      {"no_seed.csv: no column 'seed'"}));
  EXPECT_TRUE(testing::throws_error_with([&] { ReusedRuns({dir / "missing.csv"}, {"seed"}, {}); },
                                         {"missing.csv: cannot be read"}));
  const auto text = write(dir / "text.csv", "seed,test_acc\n0,0.5\n1,high\n");
  EXPECT_TRUE(testing::throws_error_with([&] { ReusedRuns({text}, {"seed"}, {"test_acc"}); },
                                         {"text.csv:3, column 'test_acc': 'high' is not a number"}));
  const ReusedRuns runs({text}, {"seed"}, {});
  EXPECT_TRUE(testing::throws_error_with([&] { reused_number(*runs.find({"1"}), "test_acc", "reuse (seed 1)"); },
                                         {"reuse (seed 1), column 'test_acc': 'high' is not a number"}));
  EXPECT_TRUE(testing::throws_error_with([&] { reused_number(*runs.find({"0"}), "val_acc", "reuse (seed 0)"); },
                                         {"reuse (seed 0): no column 'val_acc'"}));
}

}  // namespace
}  // namespace moezoo::runtime
