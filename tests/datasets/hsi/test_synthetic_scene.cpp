// The synthetic scene: the linear-mixing model checked by unmixing its cube with the
// known endmembers, smooth abundances, seeds and the endmember sources.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include "datasets/hsi/endmembers.h"
#include "datasets/hsi/scene_registry.h"
#include "datasets/hsi/synthetic_scene.h"
#include "tests/datasets/hsi/hsi_test_util.h"

using namespace moezoo::datasets::hsi;
using moezoo::testing::throws_error_with;

TEST(SyntheticScene, ProceduralDefaultNeedsNoDataAndIsSeeded) {
  SyntheticSceneOptions o;  // endmembers auto, no data root: procedural
  const auto start = std::chrono::steady_clock::now();
  const HsiScene s = make_synthetic_scene(o, {});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "synthetic 64x64x128 scene in " << seconds << " s\n";
  validate(s, "synthetic");
  EXPECT_EQ(s.cube.sizes(), torch::IntArrayRef({64, 64, 128}));
  EXPECT_EQ(s.num_classes(), 6);
  EXPECT_EQ(s.class_names[0], "material 1");
  EXPECT_EQ(s.source, "synthetic 64x64, procedural endmembers, snr 30 dB, seed 0");
  // Every pixel labelled, every class present.
  const auto counts = moezoo::testing::label_counts(s.labels, 6);
  EXPECT_EQ(counts[0], 0);
  for (int64_t c = 1; c <= 6; ++c) EXPECT_GT(counts[c], 0) << "class " << c;
  const HsiScene again = make_synthetic_scene(o, {});
  EXPECT_TRUE(torch::equal(s.cube, again.cube));
  EXPECT_TRUE(torch::equal(s.labels, again.labels));
  o.seed = 1;
  EXPECT_FALSE(torch::equal(s.labels, make_synthetic_scene(o, {}).labels));
}

TEST(SyntheticScene, NoiselessCubeUnmixesToItsLabels) {
  SyntheticSceneOptions o;
  o.endmembers = "procedural";
  o.snr_db = std::numeric_limits<double>::infinity();
  o.num_classes = 4;
  o.procedural_bands = 40;
  const HsiScene s = make_synthetic_scene(o, {});
  // The same endmembers the scene used (seeded by o.seed), then least squares per pixel.
  const auto m = procedural_endmembers(40, 4, o.seed);             // [B, E]
  const auto y = s.cube.reshape({-1, 40}).to(torch::kDouble).t();  // [B, P]
  const auto a = std::get<0>(torch::linalg_lstsq(m, y));           // [E, P]
  EXPECT_LT((a.sum(0) - 1).abs().max().item<double>(), 1e-4);      // sum to one
  EXPECT_GT(a.min().item<double>(), -1e-4);                        // nonnegative
  EXPECT_TRUE(torch::equal(std::get<1>(a.max(0)).view({64, 64}) + 1, s.labels));
}

TEST(SyntheticScene, NoiseHasTheRequestedSnr) {
  SyntheticSceneOptions o;
  o.endmembers = "procedural";
  o.snr_db = std::numeric_limits<double>::infinity();
  const auto clean = make_synthetic_scene(o, {}).cube.to(torch::kDouble);
  o.snr_db = 15.0;
  const auto noisy = make_synthetic_scene(o, {}).cube.to(torch::kDouble);
  const double snr =
      10 * std::log10(clean.square().mean().item<double>() / (noisy - clean).square().mean().item<double>());
  EXPECT_NEAR(snr, 15.0, 0.05);  // 524288 samples
}

TEST(SyntheticScene, AbundancesAreSmoothAndSumToOne) {
  const auto a = smooth_abundances(3, 48, 48, 4.0, 4.0, 11);  // [E, H, W]
  EXPECT_LT((a.sum(0) - 1).abs().max().item<double>(), 1e-12);
  EXPECT_GE(a.min().item<double>(), 0.0);
  // Neighbours differ far less than random pixel pairs.
  const double neighbour = (a.slice(2, 1) - a.slice(2, 0, -1)).abs().mean().item<double>();
  const auto flat = a.reshape({3, -1});
  torch::manual_seed(0);
  const auto perm = torch::randperm(flat.size(1));
  const double random = (flat - flat.index_select(1, perm)).abs().mean().item<double>();
  EXPECT_LT(neighbour, 0.2 * random);
  const auto rough = smooth_abundances(3, 48, 48, 0.0, 4.0, 11);
  EXPECT_GT((rough.slice(2, 1) - rough.slice(2, 0, -1)).abs().mean().item<double>(), 2 * neighbour);
}

TEST(SyntheticScene, RealEndmembersFromTheDataFiles) {
  MOEZOO_REQUIRE_DATA(path, "hsi/unmixing/_EndCupriteS1_R188.mat");
  SyntheticSceneOptions o;
  o.snr_db = std::numeric_limits<double>::infinity();
  const HsiScene s = make_synthetic_scene(o, moezoo::testing::data_root());  // auto -> cuprite
  EXPECT_EQ(s.cube.size(2), 188);
  EXPECT_EQ(s.class_names, (std::vector<std::string>{"Alunite", "Andradite", "Buddingtonite", "Dumortierite",
                                                     "Kaolinite_1", "Kaolinite_2"}));
  EXPECT_NE(s.source.find("cuprite endmembers"), std::string::npos);
  // Unmixing with the file's spectra recovers the labels.
  const auto m = read_endmembers(path).spectra.slice(1, 0, 6);
  const auto a = std::get<0>(torch::linalg_lstsq(m, s.cube.reshape({-1, 188}).to(torch::kDouble).t()));
  EXPECT_TRUE(torch::equal(std::get<1>(a.max(0)).view({64, 64}) + 1, s.labels));

  o.endmembers = "samson";
  o.num_classes = 3;
  EXPECT_EQ(make_synthetic_scene(o, moezoo::testing::data_root()).class_names,
            (std::vector<std::string>{"rock", "Tree", "water"}));
  o.num_classes = 4;
  EXPECT_TRUE(throws_error_with([&] { make_synthetic_scene(o, moezoo::testing::data_root()); },
                                {"4 classes asked", "_EndSamson.mat has 3 endmembers"}));
  o.endmembers = "granite";
  EXPECT_TRUE(
      throws_error_with([&] { make_synthetic_scene(o, moezoo::testing::data_root()); }, {"unknown source 'granite'"}));
  o.endmembers = "urban";
  EXPECT_TRUE(throws_error_with([&] { make_synthetic_scene(o, "/nonexistent"); }, {"_EndUrban_R162.mat: not found"}));
}

TEST(SyntheticScene, RegistryName) {
  SceneOptions o;
  o.synthetic.height = 20;
  o.synthetic.width = 30;
  o.synthetic.endmembers = "procedural";
  const HsiScene s = load_scene("synthetic", {}, o);
  EXPECT_EQ(s.labels.sizes(), torch::IntArrayRef({20, 30}));
}
