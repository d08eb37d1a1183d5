// Scenes by name: the registry, the error for a missing cube, and whole scenes built
// from the real ground truth plus a cube written here (the real cubes are not in the
// shared data).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "datasets/hsi/mat_writer.h"
#include "datasets/hsi/scene_registry.h"
#include "tests/datasets/hsi/hsi_test_util.h"

using namespace moezoo::datasets::hsi;
using moezoo::testing::throws_error_with;

namespace {

/// A data root holding hsi/gt/<gt_file> copied from the shared data.
std::filesystem::path root_with_gt(const std::string& tag, const std::filesystem::path& gt) {
  const auto root = moezoo::testing::temp_dir(tag);
  std::filesystem::create_directories(root / "hsi" / "gt");
  std::filesystem::create_directories(root / "hsi" / "cubes");
  std::filesystem::copy_file(gt, root / "hsi" / "gt" / gt.filename());
  return root;
}

/// [H, W, B] float64 cube whose entries name their place: r + c / 1000 + b * 1000.
torch::Tensor position_cube(int64_t h, int64_t w, int64_t b) {
  auto r = torch::arange(h, torch::kDouble).view({h, 1, 1}), c = torch::arange(w, torch::kDouble).view({1, w, 1});
  auto k = torch::arange(b, torch::kDouble).view({1, 1, b});
  return r + c / 1000 + k * 1000;
}

}  // namespace

TEST(SceneRegistry, KnowsEveryScene) {
  EXPECT_EQ(hsi_scenes().names(),
            (std::vector<std::string>{"indian_pines", "pavia_university", "pavia_centre", "salinas", "ksc", "botswana",
                                      "houston2013", "samson", "jasper_ridge", "urban", "synthetic"}));
  EXPECT_TRUE(throws_error_with([] { load_scene("indian_pine", "/nonexistent"); },
                                {"unknown hsi scene 'indian_pine'", "did you mean 'indian_pines'"}));
  EXPECT_TRUE(throws_error_with([] { load_scene_ground_truth("samson", "/nonexistent"); },
                                {"'samson' has no separate ground-truth file"}));
}

TEST(SceneRegistry, MissingCubeIsNamed) {
  MOEZOO_REQUIRE_DATA(path, "hsi/gt/Indian_pines_gt.mat");
  // The shared data holds only the ground truth of the standard scenes.
  const auto root = moezoo::testing::data_root();
  EXPECT_TRUE(throws_error_with([&] { load_scene("indian_pines", root); },
                                {"Indian_pines_corrected.mat: not found", "the indian_pines image cube", "hsi/gt"}));
  EXPECT_TRUE(throws_error_with([&] { load_scene("houston2013", root); },
                                {"houston.mat or Houston.mat: not found", "houston2013 image cube"}));
  EXPECT_TRUE(throws_error_with([&] { load_scene("pavia_centre", root); }, {"Pavia.mat: not found"}));
}

TEST(SceneRegistry, WholeIndianPinesFromAV73Cube) {
  MOEZOO_REQUIRE_DATA(gt, "hsi/gt/Indian_pines_gt.mat");
  const auto root = root_with_gt("hsi_ip", gt);
  const auto cube = position_cube(145, 145, 3);
  save_mat(root / "hsi" / "cubes" / "Indian_pines_corrected.mat", {{"indian_pines_corrected", cube}},
           {MatFormat::V73, true});
  const HsiScene s = load_scene("indian_pines", root);
  EXPECT_EQ(s.source, "Indian_pines_corrected.mat + Indian_pines_gt.mat");
  ASSERT_EQ(s.cube.sizes(), torch::IntArrayRef({145, 145, 3}));
  EXPECT_EQ(s.cube.scalar_type(), torch::kFloat);
  EXPECT_TRUE(torch::allclose(s.cube, cube.to(torch::kFloat)));
  EXPECT_FLOAT_EQ(s.cube[143][32][2].item<float>(), 143.f + 0.032f + 2000.f);
  EXPECT_EQ(s.labels[143][32].item<int64_t>(), 10);  // the ground truth as before
  EXPECT_FALSE(s.has_given_split());                 // indianpines_disjoint_dset.mat is not in this root
  std::filesystem::remove_all(root);
}

TEST(SceneRegistry, CubeOfTheWrongSizeOrVariableIsNamed) {
  MOEZOO_REQUIRE_DATA(gt, "hsi/gt/Salinas_gt.mat");
  const auto root = root_with_gt("hsi_salinas", gt);
  const auto cube_path = root / "hsi" / "cubes" / "Salinas_corrected.mat";
  save_mat(cube_path, {{"salinas_corrected", torch::zeros({217, 512, 2})}});  // transposed
  EXPECT_TRUE(throws_error_with(
      [&] { load_scene("salinas", root); },
      {"Salinas_corrected.mat: variable 'salinas_corrected'", "is 217x512 pixels", "Salinas_gt.mat) is 512x217"}));
  save_mat(cube_path, {{"salinas", torch::zeros({512, 217, 2})}});  // another variable name
  EXPECT_TRUE(throws_error_with([&] { load_scene("salinas", root); },
                                {"Salinas_corrected.mat: none of the variables salinas_corrected", "holds salinas"}));
  save_mat(cube_path, {{"salinas_corrected", torch::full({512, 217, 2}, std::nan(""))}});
  EXPECT_TRUE(throws_error_with([&] { load_scene("salinas", root); }, {"Salinas_corrected.mat: cube", "NaN"}));
  std::filesystem::remove_all(root);
}

TEST(SceneRegistry, Houston2013CubeUnderItsOtherName) {
  MOEZOO_REQUIRE_DATA(gt, "hsi/gt/houston_gt.mat");
  const auto root = root_with_gt("hsi_houston", gt);
  save_mat(root / "hsi" / "Houston.mat", {{"Houston", position_cube(349, 1905, 2)}}, {MatFormat::V5, false});
  const HsiScene s = load_scene("houston2013", root);
  EXPECT_EQ(s.cube.sizes(), torch::IntArrayRef({349, 1905, 2}));
  EXPECT_FLOAT_EQ(s.cube[6][767][1].item<float>(), 6.f + 0.767f + 1000.f);
  EXPECT_EQ(s.labels.gt(0).sum().item<int64_t>(), 15029);
  EXPECT_EQ(s.given_train.gt(0).sum().item<int64_t>(), 2832);
  std::filesystem::remove_all(root);
}
