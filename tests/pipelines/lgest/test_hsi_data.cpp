// The data side of moezoo-lgest: normalisation and PCA see the training pixels only,
// the spatially disjoint split keeps every test patch apart from every training patch,
// the task's batches depend on (epoch, index) only, and bad data.* keys are errors
// that name the key.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <optional>
#include <set>

#include "core/runtime/config.h"
#include "core/util/error.h"
#include "datasets/hsi/scene_registry.h"
#include "datasets/hsi/synthetic_scene.h"
#include "models/lgest/model_registry.h"
#include "pipelines/lgest/hsi_data.h"
#include "pipelines/lgest/patch_task.h"
#include "tests/support/test_data.h"

using namespace moezoo;
using namespace moezoo::pipelines::lgest;
namespace hsi = moezoo::datasets::hsi;

namespace {

hsi::HsiScene small_scene(int64_t size = 24, int64_t classes = 4) {
  hsi::SyntheticSceneOptions o;
  o.height = size;
  o.width = size;
  o.num_classes = classes;
  o.endmembers = "procedural";
  o.procedural_bands = 24;
  o.seed = 3;
  return hsi::make_synthetic_scene(o, "");
}

DataSettings settings_from(const std::string& yaml) {
  return data_settings_from_config(runtime::Config::from_string(yaml).at("data"));
}

/// Chebyshev distance from every pixel of `mask` [H, W] to the nearest true pixel of
/// `other`; the minimum over `mask`'s pixels (a large number when either is empty).
int64_t min_distance(const at::Tensor& mask, const at::Tensor& other) {
  const auto a = mask.nonzero(), b = other.nonzero();
  if (a.size(0) == 0 || b.size(0) == 0) return 1 << 20;
  const auto d = (a.unsqueeze(1) - b.unsqueeze(0)).abs().amax(2);
  return d.min().item<int64_t>();
}

}  // namespace

TEST(LgestData, NormalizationAndPcaSeeOnlyTrainingPixels) {
  const auto settings = settings_from("data: {pca_bands: 6, patch: 5, train_fraction: 0.2, val_fraction: 0.1}");
  const auto scene = small_scene();
  const HsiData clean = prepare_hsi_data(scene, settings);

  // Make every validation, test and unlabelled pixel wildly different; the training
  // pixels (and the labels, hence the split) stay as they were.
  hsi::HsiScene poisoned = scene;
  const auto not_train = (~clean.split.train).unsqueeze(2);
  poisoned.cube = at::where(not_train, scene.cube * 50.0 + 7.0, scene.cube);
  const HsiData dirty = prepare_hsi_data(poisoned, settings);

  ASSERT_TRUE(torch::equal(clean.split.train, dirty.split.train));
  EXPECT_TRUE(torch::allclose(clean.scaler.offset, dirty.scaler.offset));
  EXPECT_TRUE(torch::allclose(clean.scaler.scale, dirty.scaler.scale));
  ASSERT_TRUE(clean.pca && dirty.pca);
  EXPECT_TRUE(torch::allclose(clean.pca->mean, dirty.pca->mean));
  EXPECT_TRUE(torch::allclose(clean.pca->components, dirty.pca->components, 1e-6, 1e-9));
  // The training pixels' features are therefore identical.
  const auto train = clean.train_pixels;
  const auto f_clean = clean.features.reshape({-1, clean.num_bands()}).index_select(0, train);
  const auto f_dirty = dirty.features.reshape({-1, dirty.num_bands()}).index_select(0, train);
  EXPECT_TRUE(torch::allclose(f_clean, f_dirty, 1e-4, 1e-5));

  // And the check has teeth: statistics of every pixel would differ between the two.
  const auto all_clean = hsi::fit_band_scaler(scene.cube, hsi::BandNormalization::Standardize);
  const auto all_dirty = hsi::fit_band_scaler(poisoned.cube, hsi::BandNormalization::Standardize);
  EXPECT_FALSE(torch::allclose(all_clean.offset, all_dirty.offset));
  // On the training pixels the whitened components have unit variance.
  const auto var = f_clean.to(torch::kFloat64).var(0, /*unbiased=*/false);
  EXPECT_TRUE(torch::allclose(var, torch::ones_like(var), 1e-3, 1e-3)) << var;
  EXPECT_NE(clean.log.find("fitted on the " + std::to_string(train.size(0)) + " training pixels only"),
            std::string::npos)
      << clean.log;
}

TEST(LgestData, SplitsAreDisjointAndTargetsMatchLabels) {
  const auto d = prepare_hsi_data(small_scene(), settings_from("data: {patch: 5}"));
  EXPECT_EQ((d.split.train & d.split.val).sum().item<int64_t>(), 0);
  EXPECT_EQ((d.split.train & d.split.test).sum().item<int64_t>(), 0);
  EXPECT_EQ((d.split.val & d.split.test).sum().item<int64_t>(), 0);
  EXPECT_EQ(d.features.sizes(), (std::vector<int64_t>{24, 24, 24}));  // pca_bands 0: every band
  const auto labels = d.scene.labels.reshape({-1});
  for (const auto& pixels : {d.train_pixels, d.val_pixels, d.test_pixels}) {
    ASSERT_GT(pixels.size(0), 0);
    EXPECT_TRUE(torch::equal(d.targets.index_select(0, pixels), labels.index_select(0, pixels) - 1));
  }
  EXPECT_FALSE(d.scene.cube.defined()) << "the raw cube should be released once the features exist";
}

TEST(LgestData, DisjointSplitKeepsTestPatchesApartFromTrainingPatches) {
  const auto settings = settings_from(
      "data: {split: disjoint, block: 8, patch: 5, train_fraction: 0.2, "
      "val_fraction: 0.1, split_seed: 1}");
  EXPECT_EQ(settings.split.kind, SplitKind::Disjoint);
  const auto d = prepare_hsi_data(small_scene(40, 3), settings);
  EXPECT_NE(d.split_name.find("disjoint 8x8 blocks"), std::string::npos) << d.split_name;
  EXPECT_NE(d.split_name.find("margin 2"), std::string::npos) << "margin -1 should be the patch radius";
  // Patches of radius 2 are disjoint when their centres are more than 4 apart.
  EXPECT_GT(min_distance(d.split.test, d.split.train), 4);
  EXPECT_GT(min_distance(d.split.val, d.split.train), 4);
  EXPECT_GT(min_distance(d.split.test, d.split.val), 4);
  // A random split of the same scene does put test pixels next to training pixels.
  const auto random = prepare_hsi_data(small_scene(40, 3), settings_from("data: {patch: 5}"));
  EXPECT_LE(min_distance(random.split.test, random.split.train), 1);
}

TEST(LgestData, DisjointSplitOnRealSamson) {
  MOEZOO_REQUIRE_DATA(file, "hsi/unmixing/Samson.mat");
  auto settings = settings_from("data: {name: samson, split: disjoint, pca_bands: 30}");
  settings.fallback_synthetic = false;
  const auto d = load_hsi_data(settings, moezoo::testing::data_root());
  EXPECT_EQ(d.scene.name, "samson");
  EXPECT_EQ(d.features.sizes(), (std::vector<int64_t>{95, 95, 30}));
  const int64_t radius = (d.patch - 1) / 2;
  EXPECT_GT(min_distance(d.split.test, d.split.train), 2 * radius);
  EXPECT_GT(min_distance(d.split.val, d.split.train), 2 * radius);
  EXPECT_GT(d.train_pixels.size(0), 100);
  EXPECT_GT(d.test_pixels.size(0), 4000);
}

TEST(LgestData, BatchesDependOnlyOnEpochAndIndex) {
  auto data = std::make_shared<HsiData>(prepare_hsi_data(small_scene(), settings_from("data: {patch: 5}")));
  const auto config = runtime::Config::from_string("{}");
  auto model = models::lgest::hsi_models().get("ssftt").factory(config, data->num_bands(), 5, data->num_classes());
  PatchClassificationTask a(data, model, 10, 100, 7), b(data, model, 10, 100, 7), c(data, model, 10, 100, 8);
  const int64_t n = data->train_pixels.size(0), batches = a.batches_per_epoch();
  ASSERT_EQ(batches, (n + 9) / 10);
  for (int64_t epoch = 0; epoch < 2; ++epoch) {
    std::set<int64_t> seen;
    for (int64_t i = batches - 1; i >= 0; --i) {  // any order: resume starts mid-epoch
      const auto pixels = a.batch_pixels(epoch, i);
      EXPECT_TRUE(torch::equal(pixels, b.batch_pixels(epoch, i)));
      EXPECT_GE(pixels.size(0), n / batches);
      EXPECT_LE(pixels.size(0), n / batches + 1);
      for (int64_t k = 0; k < pixels.size(0); ++k) seen.insert(pixels[k].item<int64_t>());
    }
    EXPECT_EQ(static_cast<int64_t>(seen.size()), n) << "an epoch covers every training pixel once";
  }
  EXPECT_FALSE(torch::equal(a.batch_pixels(0, 0), a.batch_pixels(1, 0)));
  EXPECT_FALSE(torch::equal(a.batch_pixels(0, 0), c.batch_pixels(0, 0)));
}

TEST(LgestData, BadKeysNameTheKey) {
  auto expect_error = [](const std::string& yaml, const std::string& key) {
    try {
      const auto settings = settings_from(yaml);
      prepare_hsi_data(small_scene(), settings);
      ADD_FAILURE() << yaml << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << yaml << ": " << e.what();
    }
  };
  expect_error("data: {split: random}", "data.split");
  expect_error("data: {patch: 4}", "data.patch");
  expect_error("data: {patch: 49}", "data.patch");
  expect_error("data: {pca_bands: 25}", "data.pca_bands");
  expect_error("data: {normalize: zscore}", "data.normalize");
  expect_error("data: {train_fraction: 1.5}", "data.train_fraction");
  expect_error("data: {val_fraction: 0.0}", "data.val_fraction");
  expect_error("data: {split: per_class, val_per_class: 0}", "data.val_per_class");
  expect_error("data: {split: given}", "data.split");
  expect_error("data: {block: 0}", "data.block");
}

TEST(LgestData, MissingSceneFallsBackOnlyWhenAllowed) {
  const auto root = moezoo::testing::temp_dir("lgest_nodata");
  auto settings = settings_from(
      "data: {name: samson, patch: 5, synthetic: {height: 16, width: 16, "
      "endmembers: procedural, bands: 16}}");
  EXPECT_EQ(load_hsi_data(settings, root).scene.name, "synthetic");
  settings.fallback_synthetic = false;
  try {
    load_hsi_data(settings, root);
    ADD_FAILURE() << "a missing Samson.mat was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Samson.mat"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(root);
}

// Every split of configs/lgest/reproduce.yaml on its real scenes, for every seed: train,
// validation and test pixels exist and every class has training pixels, so that no
// reproduce run fails (or trains blind to a class) hours into the table.
TEST(LgestData, ReproduceSplitsAreUsableOnEveryScene) {
  MOEZOO_REQUIRE_DATA(samson, "hsi/unmixing/Samson.mat");
  const std::filesystem::path dir = std::filesystem::path(MOEZOO_SOURCE_DIR) / "configs" / "lgest";
  const auto reproduce = runtime::Config::load(dir / "reproduce.yaml");
  const int64_t seeds = reproduce.get<int64_t>("seeds");
  for (const auto& scene_name : {"samson", "jasper_ridge", "urban"}) {
    const auto scene_file = reproduce.get<std::string>(std::string("scenes.") + scene_name);
    std::optional<hsi::HsiScene> scene;
    for (const auto& split_name : {"fraction", "disjoint"}) {
      auto config = runtime::Config::load(dir / scene_file);
      config.set_overrides(reproduce.get<std::vector<std::string>>(std::string("splits.") + split_name));
      const auto settings = data_settings_from_config(config.at("data"));
      if (!scene) scene = hsi::load_scene(settings.name, moezoo::testing::data_root(), settings.scene);
      for (int64_t seed = 0; seed < seeds; ++seed) {
        auto split_settings = settings.split;
        split_settings.seed = static_cast<uint64_t>(seed);
        std::string name;
        const auto split = make_split(*scene, split_settings, settings.features.patch, &name);
        const std::string what = std::string(scene_name) + ", " + name + ", seed " + std::to_string(seed);
        EXPECT_GT(split.val.sum().item<int64_t>(), 0) << what;
        EXPECT_GT(split.test.sum().item<int64_t>(), 0) << what;
        const auto train_counts = hsi::class_counts(split.labels.masked_fill(~split.train, 0), scene->num_classes());
        for (int64_t c = 1; c <= scene->num_classes(); ++c)
          EXPECT_GT(train_counts[c].item<int64_t>(), 0)
              << what << ": no training pixel of " << scene->class_names[c - 1];
      }
    }
  }
}
