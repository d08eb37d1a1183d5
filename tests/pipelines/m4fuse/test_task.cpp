// The moezoo-m4fuse task: deterministic batches per (epoch, index), evaluation metrics,
// data settings errors and the synthetic source.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/runtime/config.h"
#include "models/m4fuse/m4fuse.h"
#include "pipelines/m4fuse/case_inference.h"
#include "pipelines/m4fuse/segmentation_task.h"
#include "pipelines/m4fuse/task_builder.h"
#include "tests/pipelines/m4fuse/m4fuse_test_util.h"

using namespace moezoo;
using namespace moezoo::pipelines::m4fuse;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

SegmentationTask phantom_task() {
  auto data = std::make_shared<MriData>(moezoo::testing::phantom_data(2, 1, 4.0, 16));
  torch::manual_seed(0);
  TaskSettings settings;
  settings.batch_size = 2;
  settings.batches_per_epoch = 3;
  return SegmentationTask(data, models::m4fuse::M4Fuse(models::m4fuse::m4fuse_variant("tiny")), settings);
}

}  // namespace

TEST(M4FuseTask, BatchesDependOnlyOnEpochAndIndex) {
  auto task = phantom_task();
  const auto a = task.batch(1, 2), b = task.batch(1, 2), c = task.batch(1, 1), d = task.batch(2, 2);
  EXPECT_EQ(a.image.sizes(), (std::vector<int64_t>{2, 4, 16, 16, 16}));
  EXPECT_EQ(a.classes.sizes(), (std::vector<int64_t>{2, 16, 16, 16}));
  EXPECT_EQ(a.site.sizes(), (std::vector<int64_t>{2}));
  EXPECT_TRUE(torch::equal(a.image, b.image));
  EXPECT_TRUE(torch::equal(a.classes, b.classes));
  EXPECT_FALSE(torch::equal(a.image, c.image));
  EXPECT_FALSE(torch::equal(a.image, d.image));
  EXPECT_GE(a.classes.min().item<int64_t>(), 0);
  EXPECT_LE(a.classes.max().item<int64_t>(), 3);
}

TEST(M4FuseTask, TrainStepAndEvaluateReportTheirMetrics) {
  auto task = phantom_task();
  task.module().train();
  const auto step = task.train_batch(0, 0, torch::kCPU);
  EXPECT_TRUE(std::isfinite(step.loss.item<double>()));
  ASSERT_TRUE(step.metrics.count("dice_wt"));
  task.module().eval();
  torch::NoGradGuard no_grad;
  const auto metrics = task.evaluate(torch::kCPU);
  for (const char* name : {"val_dice_et", "val_dice_tc", "val_dice_wt", "val_dice_mean"}) {
    ASSERT_TRUE(metrics.count(name)) << name;
    EXPECT_GE(metrics.at(name), 0.0);
    EXPECT_LE(metrics.at(name), 1.0);
  }
  // Whole-case segmentation: a mask on the original grid, BraTS labels only.
  const auto s = segment(task, task.data().val.front(), torch::kCPU);
  EXPECT_EQ(s.labels.sizes(), task.data().val.front().label.sizes());
  EXPECT_TRUE((s.labels.eq(0) | s.labels.eq(1) | s.labels.eq(2) | s.labels.eq(4)).all().item<bool>());
}

TEST(M4FuseTask, RegionDiceFollowsTheBratsRegions) {
  const at::Tensor ref = torch::tensor({0, 1, 2, 3}, torch::kLong).view({1, 1, 4});
  const auto same = region_dice(ref, ref);
  EXPECT_DOUBLE_EQ(same[0], 1.0);
  EXPECT_DOUBLE_EQ(same[2], 1.0);
  const auto no_et = region_dice(torch::tensor({0, 1, 2, 1}, torch::kLong).view({1, 1, 4}), ref);
  EXPECT_DOUBLE_EQ(no_et[0], 0.0);  // ET predicted nowhere
  EXPECT_DOUBLE_EQ(no_et[1], 1.0);  // TC = NCR + ET the same voxels
  EXPECT_DOUBLE_EQ(no_et[2], 1.0);
}

TEST(M4FuseData, SettingsErrorsNameTheKey) {
  const auto settings = [](const std::string& yaml) {
    return data_settings_from_config(runtime::Config::from_string(yaml).at("data"));
  };
  EXPECT_THAT(moezoo::testing::error_of([&] { settings("data: {patch: [48, 40, 48]}"); }), HasSubstr("data.patch"));
  EXPECT_THAT(moezoo::testing::error_of([&] { settings("data: {source: brats}"); }), HasSubstr("data.source"));
  EXPECT_THAT(moezoo::testing::error_of([&] { settings("data: {source: cases}"); }), HasSubstr("data.root"));
  EXPECT_THAT(moezoo::testing::error_of([&] { settings("data: {spacing_mm: 0}"); }), HasSubstr("data.spacing_mm"));
  EXPECT_THAT(moezoo::testing::error_of([] {
                model_options_from_config(runtime::Config::from_string("model: {variant: huge}").at("model"));
              }),
              HasSubstr("huge"));
}

TEST(M4FuseData, MissingAtlasIsAnErrorUnlessThePhantomIsAllowed) {
  DataSettings s;
  s.grid.spacing_mm = 8.0;
  const fs::path nowhere = fs::temp_directory_path() / "moezoo_m4fuse_no_data";
  EXPECT_THAT(moezoo::testing::error_of([&] { make_synthetic_generator(s, nowhere); }), HasSubstr("ch2bet.nii.gz"));
  s.fallback_phantom = true;
  std::string log;
  const auto generator = make_synthetic_generator(s, nowhere, &log);
  EXPECT_THAT(log, HasSubstr("phantom"));
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(generator.geometry().spacing[a], 8.0, 1.0);
}

TEST(M4FuseData, SyntheticCasesComeAtTheWorkingSpacingFromTheAtlas) {
  MOEZOO_REQUIRE_DATA(atlas, "mri/atlas/ch2bet.nii.gz");
  DataSettings s;
  s.grid.spacing_mm = 6.0;
  s.train_cases = 1;
  s.val_cases = 1;
  const auto data = load_mri_data(s, moezoo::testing::data_root());
  ASSERT_EQ(data.train.size(), 1u);
  ASSERT_EQ(data.val.size(), 1u);
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(data.train[0].working_geometry.spacing[a], 6.0, 0.5);
  EXPECT_TRUE(data.val[0].label.defined());
  EXPECT_NE(data.train[0].id, data.val[0].id);
}
