#pragma once
/// The classification benchmarks that come as an image-cube .mat and a ground-truth
/// .mat (the GIC / Hyperspectral Remote Sensing Scenes distribution and its mirrors),
/// by name, with the file and variable names those files use:
///
/// | name | cube file / variable | ground truth file / variable | size, classes |
/// |---|---|---|---|
/// | indian_pines | Indian_pines_corrected.mat / indian_pines_corrected | Indian_pines_gt.mat / indian_pines_gt |
/// 145x145x200, 16 | | pavia_university | PaviaU.mat / paviaU | PaviaU_gt.mat / paviaU_gt | 610x340x103, 9 | |
/// pavia_centre | Pavia.mat / pavia | Pavia_gt.mat or paviaC_gt.mat / pavia_gt | 1096x715x102, 9 | | salinas |
/// Salinas_corrected.mat / salinas_corrected | Salinas_gt.mat / salinas_gt | 512x217x204, 16 | | ksc | KSC.mat / KSC |
/// KSC_gt.mat / KSC_gt | 512x614x176, 13 | | botswana | Botswana.mat / Botswana | Botswana_gt.mat / Botswana_gt |
/// 1476x256x145, 14 | | houston2013 | houston.mat or Houston.mat / houston or Houston | houston_gt.mat / houston_gt_tr
/// + houston_gt_te | 349x1905x144, 15 |
///
/// Given train/test maps, attached when their files are present:
///   - houston2013: the official GRSS 2013 contest split (houston_gt_tr / houston_gt_te,
///     2832 / 12197 pixels); the scene's labels are their union (they do not overlap).
///   - pavia_university: the fixed disjoint set TRpavia_fixed.mat / TSpavia_fixed.mat
///     (3921 / 40002 pixels). The test map is the ground truth less the training pixels;
///     1147 training pixels lie outside the ground truth (labeled 0 there).
///   - indian_pines: indianpines_disjoint_dset.mat, a disjoint training map (5689 pixels)
///     stored in ANOTHER class order; relabelled by the table used with it in the
///     literature ({0,2,3,5,6,8,10,11,12,14,1,4,7,9,13,15,16}: stored k -> table[k]), and
///     the test map is the ground truth less the training pixels. 151 of its pixels lie
///     outside the ground truth, and on 10 (ground truth Grass-pasture-mowed, stored
///     Soybean-mintill) the two disagree: the training map's label is kept.
///
/// The cubes are large and absent from the shared test data; loading a scene whose
/// cube is missing is an Error naming the file, while load_standard_ground_truth reads
/// only the labels.

#include <filesystem>
#include <string>
#include <vector>

#include "datasets/hsi/hsi_scene.h"

namespace moezoo::datasets::hsi {

enum class GivenMaps { None, HoustonOfficial, DisjointPaviaUniversity, DisjointIndianPines };

struct StandardScene {
  std::string name;
  std::string description;
  std::vector<std::string> cube_files, cube_variables;
  std::vector<std::string> gt_files, gt_variables;  ///< houston2013: its train/test file; variables unused
  std::vector<std::string> class_names;
  GivenMaps given = GivenMaps::None;
};

const std::vector<StandardScene>& standard_scenes();

/// The scene called `name`, or nullptr.
const StandardScene* find_standard_scene(const std::string& name);

/// Labels, class names and given maps; the cube is left undefined.
HsiScene load_standard_ground_truth(const StandardScene& spec, const std::filesystem::path& data_root);

/// The ground truth plus the cube as float32 [H, W, B]; a missing cube file is an Error
/// naming it, a cube whose first two axes differ from the ground truth's one naming both.
HsiScene load_standard_scene(const StandardScene& spec, const std::filesystem::path& data_root);

}  // namespace moezoo::datasets::hsi
