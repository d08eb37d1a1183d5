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
  const ReusedRuns runs({first, second}, {"dataset", "model", "seed"});
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

TEST(ReusedRuns, BadFilesAndValuesAreNamed) {
  const auto dir = testing::temp_dir("reused");
  const auto no_seed = write(dir / "no_seed.csv", "dataset,model\ncora,gcn\n");
  EXPECT_TRUE(testing::throws_error_with(
      [&] {
        ReusedRuns({no_seed}, {"dataset", "model", "seed"});
      },
      {"no_seed.csv: no column 'seed'"}));
  EXPECT_TRUE(testing::throws_error_with([&] { ReusedRuns({dir / "missing.csv"}, {"seed"}); },
                                         {"missing.csv: cannot be read"}));
  const auto text = write(dir / "text.csv", "seed,test_acc\n0,high\n");
  const ReusedRuns runs({text}, {"seed"});
  EXPECT_TRUE(testing::throws_error_with([&] { reused_number(*runs.find({"0"}), "test_acc", "reuse (seed 0)"); },
                                         {"reuse (seed 0), column 'test_acc': 'high' is not a number"}));
  EXPECT_TRUE(testing::throws_error_with([&] { reused_number(*runs.find({"0"}), "val_acc", "reuse (seed 0)"); },
                                         {"reuse (seed 0): no column 'val_acc'"}));
}

}  // namespace
}  // namespace moezoo::runtime
