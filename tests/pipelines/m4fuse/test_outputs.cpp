// What moezoo-m4fuse writes: the per-case score CSV and the overlay PNG.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <sstream>

#include "core/report/png.h"
#include "core/util/atomic_file.h"
#include "pipelines/m4fuse/case_scores.h"
#include "pipelines/m4fuse/overlay.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using namespace moezoo::pipelines::m4fuse;
namespace fs = std::filesystem;

TEST(M4FuseOutputs, ScoresCsvHasTheHeaderOneRowPerCaseAndTheMean) {
  const fs::path dir = moezoo::testing::temp_dir("m4fuse_csv");
  datasets::mri::Geometry g;
  g.size = {6, 5, 4};
  at::Tensor ref = torch::zeros({4, 5, 6}, torch::kLong);
  ref.slice(0, 1, 3).slice(1, 1, 4).slice(2, 1, 5).fill_(2);
  ref[2][2][2] = 4;
  const auto perfect = score_case("a", ref, ref, g);
  const auto empty = score_case("b", torch::zeros_like(ref), ref, g);
  EXPECT_DOUBLE_EQ(perfect.regions[2].dice, 1.0);
  EXPECT_DOUBLE_EQ(empty.regions[2].dice, 0.0);
  write_scores_csv(dir / "per_case_scores.csv", {perfect, empty});
  std::istringstream csv(read_file_bytes(dir / "per_case_scores.csv"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(csv, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "case,dice_et,dice_tc,dice_wt,hd95_et,hd95_tc,hd95_wt");
  EXPECT_EQ(lines[1].rfind("a,1,1,1,0,0,0", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("b,0,0,0,", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3].rfind("mean,0.5,0.5,0.5,", 0), 0u) << lines[3];
  fs::remove_all(dir);
}

TEST(M4FuseOutputs, OverlayPngIsWrittenThroughTheTumour) {
  const fs::path dir = moezoo::testing::temp_dir("m4fuse_overlay");
  at::Tensor flair = torch::rand({20, 24, 28}) + 0.5;
  at::Tensor labels = torch::zeros({20, 24, 28}, torch::kLong);
  labels.slice(0, 8, 13).slice(1, 5, 10).slice(2, 5, 12).fill_(2);
  labels.slice(0, 10, 11).slice(1, 6, 8).slice(2, 6, 8).fill_(4);
  const auto slices = overlay_slices(labels, 3);
  ASSERT_EQ(slices.size(), 3u);
  for (auto z : slices) {
    EXPECT_GE(z, 8);
    EXPECT_LT(z, 13);
  }
  write_overlay(dir / "case_overlay.png", flair, labels, "test case");
  const std::string bytes = read_file_bytes(dir / "case_overlay.png");
  ASSERT_FALSE(bytes.empty());
  const auto image = report::decode_png_rgb8(bytes);
  EXPECT_GT(image.width(), 3 * 28);
  EXPECT_GT(image.height(), 24);
  fs::remove_all(dir);
}
