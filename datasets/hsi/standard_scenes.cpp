#include "datasets/hsi/standard_scenes.h"

#include <ATen/ATen.h>

#include "core/util/error.h"
#include "datasets/hsi/label_map.h"
#include "datasets/hsi/mat_file.h"
#include "datasets/hsi/scene_files.h"

namespace moezoo::datasets::hsi {

namespace {

std::vector<StandardScene> make_table() {
  std::vector<StandardScene> t;
  t.push_back({"indian_pines",
               "AVIRIS Indian Pines, 145x145, 200 bands (water absorption removed), 16 classes",
               {"Indian_pines_corrected.mat"},
               {"indian_pines_corrected"},
               {"Indian_pines_gt.mat"},
               {"indian_pines_gt"},
               {"Alfalfa", "Corn-notill", "Corn-mintill", "Corn", "Grass-pasture", "Grass-trees", "Grass-pasture-mowed",
                "Hay-windrowed", "Oats", "Soybean-notill", "Soybean-mintill", "Soybean-clean", "Wheat", "Woods",
                "Buildings-Grass-Trees-Drives", "Stone-Steel-Towers"},
               GivenMaps::DisjointIndianPines});
  t.push_back({"pavia_university",
               "ROSIS Pavia University, 610x340, 103 bands, 9 classes",
               {"PaviaU.mat"},
               {"paviaU"},
               {"PaviaU_gt.mat"},
               {"paviaU_gt"},
               {"Asphalt", "Meadows", "Gravel", "Trees", "Painted metal sheets", "Bare Soil", "Bitumen",
                "Self-Blocking Bricks", "Shadows"},
               GivenMaps::DisjointPaviaUniversity});
  t.push_back(
      {"pavia_centre",
       "ROSIS Pavia Centre, 1096x715, 102 bands, 9 classes",
       {"Pavia.mat"},
       {"pavia"},
       {"Pavia_gt.mat", "paviaC_gt.mat"},
       {"pavia_gt"},
       {"Water", "Trees", "Asphalt", "Self-Blocking Bricks", "Bitumen", "Tiles", "Shadows", "Meadows", "Bare Soil"},
       GivenMaps::None});
  t.push_back({"salinas",
               "AVIRIS Salinas Valley, 512x217, 204 bands, 16 classes",
               {"Salinas_corrected.mat"},
               {"salinas_corrected"},
               {"Salinas_gt.mat"},
               {"salinas_gt"},
               {"Brocoli_green_weeds_1", "Brocoli_green_weeds_2", "Fallow", "Fallow_rough_plow", "Fallow_smooth",
                "Stubble", "Celery", "Grapes_untrained", "Soil_vinyard_develop", "Corn_senesced_green_weeds",
                "Lettuce_romaine_4wk", "Lettuce_romaine_5wk", "Lettuce_romaine_6wk", "Lettuce_romaine_7wk",
                "Vinyard_untrained", "Vinyard_vertical_trellis"},
               GivenMaps::None});
  t.push_back({"ksc",
               "AVIRIS Kennedy Space Center, 512x614, 176 bands, 13 classes",
               {"KSC.mat"},
               {"KSC"},
               {"KSC_gt.mat"},
               {"KSC_gt"},
               {"Scrub", "Willow swamp", "Cabbage palm hammock", "Cabbage palm/oak hammock", "Slash pine",
                "Oak/broadleaf hammock", "Hardwood swamp", "Graminoid marsh", "Spartina marsh", "Cattail marsh",
                "Salt marsh", "Mud flats", "Water"},
               GivenMaps::None});
  t.push_back({"botswana",
               "Hyperion Botswana (Okavango Delta), 1476x256, 145 bands, 14 classes",
               {"Botswana.mat"},
               {"Botswana"},
               {"Botswana_gt.mat"},
               {"Botswana_gt"},
               {"Water", "Hippo grass", "Floodplain grasses 1", "Floodplain grasses 2", "Reeds", "Riparian", "Firescar",
                "Island interior", "Acacia woodlands", "Acacia shrublands", "Acacia grasslands", "Short mopane",
                "Mixed mopane", "Exposed soils"},
               GivenMaps::None});
  t.push_back(
      {"houston2013",
       "CASI Houston (GRSS 2013 contest), 349x1905, 144 bands, 15 classes, official train/test maps",
       {"houston.mat", "Houston.mat"},
       {"houston", "Houston"},
       {"houston_gt.mat"},
       {},
       {"Healthy grass", "Stressed grass", "Synthetic grass", "Trees", "Soil", "Water", "Residential", "Commercial",
        "Road", "Highway", "Railway", "Parking Lot 1", "Parking Lot 2", "Tennis Court", "Running Track"},
       GivenMaps::HoustonOfficial});
  return t;
}

/// `map` with the pixels of `train` (> 0) cleared.
at::Tensor without(const at::Tensor& map, const at::Tensor& train) { return map.masked_fill(train > 0, 0); }

void attach_given_maps(HsiScene& scene, const StandardScene& spec, const std::filesystem::path& data_root) {
  const int64_t classes = scene.num_classes();
  switch (spec.given) {
    case GivenMaps::None:
    case GivenMaps::HoustonOfficial:  // read with the labels
      return;
    case GivenMaps::DisjointPaviaUniversity: {
      const auto tr = find_scene_file(data_root, {"TRpavia_fixed.mat"});
      const auto ts = find_scene_file(data_root, {"TSpavia_fixed.mat"});
      if (tr.empty() || ts.empty()) return;
      scene.given_train = read_label_map(MatFile(tr), "TRpavia_fixed", classes);
      scene.given_test = read_label_map(MatFile(ts), "TSpavia_fixed", classes);
      scene.given_split = "disjoint Pavia University (TRpavia_fixed.mat / TSpavia_fixed.mat)";
      return;
    }
    case GivenMaps::DisjointIndianPines: {
      const auto path = find_scene_file(data_root, {"indianpines_disjoint_dset.mat"});
      if (path.empty()) return;
      const auto stored = read_label_map(MatFile(path), "indianpines_disjoint_dset", classes);
      scene.given_train =
          remap_labels(stored, {0, 2, 3, 5, 6, 8, 10, 11, 12, 14, 1, 4, 7, 9, 13, 15, 16}, path.string());
      scene.given_test = without(scene.labels, scene.given_train);
      scene.given_split = "disjoint Indian Pines (indianpines_disjoint_dset.mat, relabelled)";
      return;
    }
  }
}

}  // namespace

const std::vector<StandardScene>& standard_scenes() {
  static const std::vector<StandardScene> table = make_table();
  return table;
}

const StandardScene* find_standard_scene(const std::string& name) {
  for (const auto& s : standard_scenes())
    if (s.name == name) return &s;
  return nullptr;
}

HsiScene load_standard_ground_truth(const StandardScene& spec, const std::filesystem::path& data_root) {
  HsiScene scene;
  scene.name = spec.name;
  scene.class_names = spec.class_names;
  const int64_t classes = scene.num_classes();
  const auto gt_path = require_scene_file(data_root, spec.gt_files, "the " + spec.name + " ground truth");
  const MatFile gt(gt_path);
  scene.source = gt_path.filename().string();
  if (spec.given == GivenMaps::HoustonOfficial) {
    scene.given_train = read_label_map(gt, "houston_gt_tr", classes);
    scene.given_test = read_label_map(gt, "houston_gt_te", classes);
    check_input(scene.given_train.sizes() == scene.given_test.sizes(), gt_path.string(),
                "houston_gt_tr and houston_gt_te differ in size");
    check_input(!((scene.given_train > 0) & (scene.given_test > 0)).any().item<bool>(), gt_path.string(),
                "houston_gt_tr and houston_gt_te overlap");
    scene.labels = scene.given_train + scene.given_test;
    scene.given_split = "official GRSS 2013 (houston_gt_tr / houston_gt_te)";
  } else {
    scene.labels = read_label_map(gt, gt.first_present(spec.gt_variables), classes);
    attach_given_maps(scene, spec, data_root);
  }
  validate(scene, spec.name);
  return scene;
}

HsiScene load_standard_scene(const StandardScene& spec, const std::filesystem::path& data_root) {
  const auto cube_path = require_scene_file(data_root, spec.cube_files, "the " + spec.name + " image cube");
  HsiScene scene = load_standard_ground_truth(spec, data_root);
  const MatFile file(cube_path);
  const std::string variable = file.first_present(spec.cube_variables);
  const std::string where = cube_path.string() + ": variable '" + variable + "'";
  at::Tensor cube = file.read_array(variable);
  check_input(cube.dim() == 3, where, "expected a cube [H, W, B], found rank " + std::to_string(cube.dim()));
  check_input(cube.size(0) == scene.height() && cube.size(1) == scene.width(), where,
              "is " + std::to_string(cube.size(0)) + "x" + std::to_string(cube.size(1)) +
                  " pixels but the ground truth (" + scene.source + ") is " + std::to_string(scene.height()) + "x" +
                  std::to_string(scene.width()));
  scene.cube = cube.to(at::kFloat);
  scene.source = cube_path.filename().string() + " + " + scene.source;
  validate(scene, cube_path.string());
  return scene;
}

}  // namespace moezoo::datasets::hsi
