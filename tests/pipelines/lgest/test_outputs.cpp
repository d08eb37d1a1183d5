// What moezoo-lgest writes: the whole-scene map (.npy and PNGs), the test report files,
// and the shared mean/std summary of the reproduce tables.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/io/npy.h"
#include "core/io/tensor_convert.h"
#include "core/report/png.h"
#include "core/report/summary_stats.h"
#include "core/util/atomic_file.h"
#include "pipelines/lgest/class_map.h"
#include "pipelines/lgest/test_report.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using namespace moezoo::pipelines::lgest;
namespace fs = std::filesystem;

TEST(LgestOutputs, ClassMapFilesHaveTheSceneShapeAndColours) {
  const fs::path dir = moezoo::testing::temp_dir("lgest_map");
  const int64_t h = 7, w = 11, classes = 12;
  const at::Tensor prediction = (torch::arange(h * w, torch::kLong) % classes + 1).view({h, w});
  at::Tensor truth = prediction.clone();
  truth.index_put_({torch::indexing::Slice(0, 2)}, 0);  // two unlabelled rows
  const auto files = write_class_map(dir, prediction, truth, std::vector<std::string>(classes, "class"), "test map");

  const auto npy = io::read_npy(files.npy);
  EXPECT_EQ(npy.dtype, io::DType::Int64);
  EXPECT_EQ(npy.shape, (std::vector<int64_t>{h, w}));
  EXPECT_TRUE(torch::equal(io::to_tensor(npy), prediction));

  const auto map = report::decode_png_rgb8(read_file_bytes(files.map_png));
  const auto gt = report::decode_png_rgb8(read_file_bytes(files.ground_truth_png));
  ASSERT_EQ(map.width(), w);
  ASSERT_EQ(map.height(), h);
  ASSERT_EQ(gt.width(), w);
  ASSERT_EQ(gt.height(), h);
  for (int64_t r = 0; r < h; ++r)
    for (int64_t c = 0; c < w; ++c) {
      const int64_t v = prediction[r][c].item<int64_t>();
      EXPECT_EQ(map.get(c, r), class_color(v - 1)) << r << "," << c;
      EXPECT_EQ(gt.get(c, r), r < 2 ? kUnlabeledColor : class_color(v - 1)) << r << "," << c;
    }
  // Distinct colours for up to 30 classes, none of them the unlabelled black.
  for (int64_t a = 0; a < 30; ++a) {
    EXPECT_NE(class_color(a), kUnlabeledColor);
    for (int64_t b = a + 1; b < 30; ++b) EXPECT_NE(class_color(a), class_color(b)) << a << " " << b;
  }
  const auto figure = report::decode_png_rgb8(read_file_bytes(files.figure_png));
  EXPECT_GT(figure.width(), 2 * w * 8);  // two panels enlarged (small scenes: 8x) plus the legend
  EXPECT_GE(figure.height(), h * 8);
  fs::remove_all(dir);
}

TEST(LgestOutputs, TestReportFiles) {
  const fs::path dir = moezoo::testing::temp_dir("lgest_report");
  HsiData data;
  data.scene.name = "toy";
  data.scene.class_names = {"a", "b, with comma", "c"};
  data.split_name = "random 10% per class";
  PixelScores s;
  s.confusion = datasets::hsi::ConfusionMatrix(3);
  s.confusion.add({0, 0, 0, 1, 1}, {0, 0, 1, 1, 0});  // class c absent from the test pixels
  s.scores = datasets::hsi::classification_scores(s.confusion);
  s.loss = 0.5;
  write_file_atomically(dir / "report.md", "# run\n");
  write_test_report(dir, s, data, "toy_model", "best.pt");

  const auto j = nlohmann::json::parse(read_file_bytes(dir / "test_metrics.json"));
  EXPECT_DOUBLE_EQ(j["oa"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(j["aa"].get<double>(), (2.0 / 3 + 0.5) / 2);
  EXPECT_EQ(j["test_pixels"].get<int64_t>(), 5);
  EXPECT_TRUE(j["per_class_accuracy"]["c"].is_null()) << "NaN accuracy of an absent class should be null";
  EXPECT_EQ(j["confusion"][0][1].get<int64_t>(), 1);
  const std::string csv = read_file_bytes(dir / "test_metrics.csv");
  EXPECT_NE(csv.find("test_oa,0.6\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"test_acc/b, with comma\",0.5\n"), std::string::npos) << csv;
  const std::string md = read_file_bytes(dir / "report.md");
  EXPECT_EQ(md.rfind("# run\n", 0), 0u) << "the report should be appended to";
  EXPECT_NE(md.find("| 60.00 |"), std::string::npos) << md;
  EXPECT_TRUE(fs::exists(dir / "plots" / "confusion.png"));
  EXPECT_TRUE(fs::exists(dir / "confusion.csv"));
  const auto m = test_metrics(s, data.scene.class_names);
  EXPECT_DOUBLE_EQ(m.at("test_oa"), 0.6);
  EXPECT_TRUE(std::isnan(m.at("test_acc/c")));
  fs::remove_all(dir);
}

TEST(LgestOutputs, MeanStdSummary) {
  const auto s = report::mean_std({0.8, 0.9, 1.0});
  EXPECT_NEAR(s.mean, 0.9, 1e-12);
  EXPECT_NEAR(s.std, 0.1, 1e-12);  // sample std (n - 1)
  EXPECT_EQ(s.count, 3);
  EXPECT_EQ(report::mean_std({0.5}).std, 0.0);
  EXPECT_EQ(report::format_percent(0.81534), "81.5");
  EXPECT_EQ(report::format_percent(0.81536, 2), "81.54");
  EXPECT_EQ(report::format_mean_std_percent({0.8, 0.9, 1.0}), "90.0 ± 10.0");
  EXPECT_EQ(report::format_mean_std_percent({}), "-");
}
