// Every ground-truth file of $MOEZOO_DATA/hsi/gt through the standard-scene loaders,
// against numbers measured on the same files with scipy.io.loadmat:
//   gt = loadmat(f)[var].astype(int); counts = np.bincount(gt.ravel())
//   fingerprint = (np.arange(gt.size).reshape(gt.shape) * gt).sum()   # row-major r * W + c
// The fingerprint changes under a transpose, so it pins MATLAB's orientation too.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "datasets/hsi/label_map.h"
#include "datasets/hsi/mat_file.h"
#include "datasets/hsi/scene_registry.h"
#include "datasets/hsi/standard_scenes.h"
#include "tests/datasets/hsi/hsi_test_util.h"

using namespace moezoo::datasets::hsi;
using moezoo::testing::label_counts;
using moezoo::testing::map_fingerprint;

namespace {

struct GroundTruthCase {
  const char* scene;
  const char* file;  // under hsi/gt
  int64_t height, width;
  std::vector<int64_t> counts;  // label 0 (unlabeled), then classes 1..C
  int64_t fingerprint;
  int64_t first_row, first_col, first_label;  // the first labelled pixel in row-major order
  int64_t last_row, last_col, last_label;     // the last one
};

const GroundTruthCase kCases[] = {
    {"indian_pines",
     "Indian_pines_gt.mat",
     145,
     145,
     {10776, 46, 1428, 830, 237, 483, 730, 28, 478, 20, 972, 2455, 593, 205, 1265, 386, 93},
     866856464LL,
     0,
     0,
     3,
     143,
     32,
     10},
    {"pavia_university",
     "PaviaU_gt.mat",
     610,
     340,
     {164624, 6631, 18649, 2099, 3064, 1345, 5029, 1330, 3682, 947},
     18037250590LL,
     0,
     91,
     1,
     609,
     285,
     2},
    {"pavia_centre",
     "paviaC_gt.mat",
     1096,
     715,
     {635488, 65971, 7598, 3090, 2685, 6584, 9248, 7287, 42826, 2863},
     188348071650LL,
     0,
     161,
     1,
     1095,
     569,
     2},
    {"salinas",
     "Salinas_gt.mat",
     512,
     217,
     {56975, 2009, 3726, 1976, 1394, 2678, 3959, 3579, 11271, 6203, 3278, 1068, 1927, 916, 1070, 7268, 1807},
     21293153580LL,
     1,
     88,
     6,
     510,
     23,
     16},
    {"ksc",
     "KSC_gt.mat",
     512,
     614,
     {309157, 761, 243, 256, 252, 161, 229, 105, 431, 520, 404, 419, 503, 927},
     7265362824LL,
     68,
     566,
     8,
     488,
     469,
     10},
    {"botswana",
     "Botswana_gt.mat",
     1476,
     256,
     {374608, 270, 101, 251, 215, 269, 269, 259, 203, 314, 248, 305, 181, 268, 95},
     3449769534LL,
     118,
     68,
     14,
     1093,
     184,
     6},
    // The union of the official train and test maps (the two fingerprints add up).
    {"houston2013",
     "houston_gt.mat",
     349,
     1905,
     {649816, 1251, 1254, 697, 1244, 1242, 325, 1268, 1244, 1252, 1227, 1235, 1233, 469, 428, 660},
     7615335553LL + 31163404277LL,
     3,
     87,
     9,
     345,
     1386,
     11},
};

/// gtest prints the case by name instead of its bytes.
void PrintTo(const GroundTruthCase& c, std::ostream* os) { *os << c.scene; }

class GroundTruth : public ::testing::TestWithParam<GroundTruthCase> {};

std::string case_name(const ::testing::TestParamInfo<GroundTruthCase>& info) { return info.param.scene; }

}  // namespace

TEST_P(GroundTruth, ShapeClassCountsAndOrientationMatchScipy) {
  const auto& c = GetParam();
  MOEZOO_REQUIRE_DATA(path, std::string("hsi/gt/") + c.file);
  const HsiScene scene = load_scene_ground_truth(c.scene, moezoo::testing::data_root());
  EXPECT_EQ(scene.name, c.scene);
  EXPECT_EQ(scene.source, c.file);
  EXPECT_FALSE(scene.cube.defined());
  ASSERT_EQ(scene.labels.sizes(), torch::IntArrayRef({c.height, c.width}));
  EXPECT_EQ(scene.labels.scalar_type(), torch::kLong);
  EXPECT_EQ(scene.num_classes(), static_cast<int64_t>(c.counts.size()) - 1);
  EXPECT_EQ(label_counts(scene.labels, scene.num_classes()), c.counts);
  EXPECT_EQ(map_fingerprint(scene.labels), c.fingerprint);
  const auto labelled = (scene.labels.reshape({-1}) > 0).nonzero().reshape({-1});
  EXPECT_EQ(labelled[0].item<int64_t>(), c.first_row * c.width + c.first_col);
  EXPECT_EQ(labelled[-1].item<int64_t>(), c.last_row * c.width + c.last_col);
  EXPECT_EQ(scene.labels[c.first_row][c.first_col].item<int64_t>(), c.first_label);
  EXPECT_EQ(scene.labels[c.last_row][c.last_col].item<int64_t>(), c.last_label);
}

INSTANTIATE_TEST_SUITE_P(RealFiles, GroundTruth, ::testing::ValuesIn(kCases), case_name);

TEST(GroundTruthFiles, FormatsAndVariableNamesAreTheDocumentedOnes) {
  MOEZOO_REQUIRE_DATA(root, "hsi/gt");
  // houston_gt.mat and indianpines_disjoint_dset.mat are plain v5 (written by scipy);
  // the others hold zlib-compressed elements. Both kinds read the same way.
  const std::pair<const char*, std::vector<std::string>> files[] = {
      {"Indian_pines_gt.mat", {"indian_pines_gt"}},
      {"PaviaU_gt.mat", {"paviaU_gt"}},
      {"paviaC_gt.mat", {"pavia_gt"}},
      {"Salinas_gt.mat", {"salinas_gt"}},
      {"KSC_gt.mat", {"KSC_gt"}},
      {"Botswana_gt.mat", {"Botswana_gt"}},
      {"houston_gt.mat", {"houston_gt_tr", "houston_gt_te"}},
      {"indianpines_disjoint_dset.mat", {"indianpines_disjoint_dset"}},
      {"TRpavia_fixed.mat", {"TRpavia_fixed"}},
      {"TSpavia_fixed.mat", {"TSpavia_fixed"}}};
  for (const auto& [file, names] : files) {
    const MatFile mat(root / file);
    EXPECT_EQ(mat.format(), MatFormat::V5) << file;
    EXPECT_EQ(mat.variable_names(), names) << file;
  }
}

TEST(GivenMaps, Houston2013OfficialTrainAndTestMaps) {
  MOEZOO_REQUIRE_DATA(path, "hsi/gt/houston_gt.mat");
  const HsiScene s = load_scene_ground_truth("houston2013", moezoo::testing::data_root());
  ASSERT_TRUE(s.has_given_split());
  EXPECT_EQ(label_counts(s.given_train, 15),
            (std::vector<int64_t>{662013, 198, 190, 192, 188, 186, 182, 196, 191, 193, 191, 181, 192, 184, 181, 187}));
  EXPECT_EQ(label_counts(s.given_test, 15), (std::vector<int64_t>{652648, 1053, 1064, 505, 1056, 1056, 143, 1072, 1053,
                                                                  1059, 1036, 1054, 1041, 285, 247, 473}));
  EXPECT_EQ(map_fingerprint(s.given_train), 7615335553LL);
  EXPECT_EQ(map_fingerprint(s.given_test), 31163404277LL);
  EXPECT_EQ(s.given_train[6][767].item<int64_t>(), 1);  // its first training pixel
}

TEST(GivenMaps, DisjointPaviaUniversityTestIsGroundTruthLessTraining) {
  MOEZOO_REQUIRE_DATA(path, "hsi/gt/TRpavia_fixed.mat");
  const HsiScene s = load_scene_ground_truth("pavia_university", moezoo::testing::data_root());
  ASSERT_TRUE(s.has_given_split());
  EXPECT_EQ(label_counts(s.given_train, 9),
            (std::vector<int64_t>{203479, 548, 540, 392, 524, 265, 532, 375, 514, 231}));
  EXPECT_EQ(label_counts(s.given_test, 9),
            (std::vector<int64_t>{167398, 6304, 18146, 1815, 2912, 1113, 4572, 981, 3364, 795}));
  EXPECT_EQ(map_fingerprint(s.given_train), 2124464999LL);
  EXPECT_EQ(map_fingerprint(s.given_test), 16547299966LL);
  // 1147 of the 3921 training pixels lie outside the ground truth; the others agree with it.
  const auto train = s.given_train > 0;
  EXPECT_EQ((train & (s.labels == 0)).sum().item<int64_t>(), 1147);
  EXPECT_FALSE((train & (s.labels > 0) & (s.labels != s.given_train)).any().item<bool>());
  EXPECT_TRUE(torch::equal(s.given_test, s.labels.masked_fill(train, 0)));
}

TEST(GivenMaps, DisjointIndianPinesIsRelabelledIntoTheSceneClassOrder) {
  MOEZOO_REQUIRE_DATA(path, "hsi/gt/indianpines_disjoint_dset.mat");
  // As stored (another class order): scipy's counts and fingerprint.
  const auto stored = read_label_map(MatFile(path), "indianpines_disjoint_dset");
  EXPECT_EQ(label_counts(stored, 16),
            (std::vector<int64_t>{15336, 762, 435, 232, 394, 235, 470, 1424, 328, 728, 29, 146, 16, 10, 132, 291, 57}));
  EXPECT_EQ(map_fingerprint(stored), 341066103LL);

  const HsiScene s = load_scene_ground_truth("indian_pines", moezoo::testing::data_root());
  ASSERT_TRUE(s.has_given_split());
  // numpy: tab = [0,2,3,5,6,8,10,11,12,14,1,4,7,9,13,15,16]; tr = tab[stored]
  EXPECT_EQ(label_counts(s.given_train, 16),
            (std::vector<int64_t>{15336, 29, 762, 435, 146, 232, 394, 16, 235, 10, 470, 1424, 328, 132, 728, 291, 57}));
  EXPECT_EQ(map_fingerprint(s.given_train), 494391289LL);
  EXPECT_EQ(label_counts(s.given_test, 16),
            (std::vector<int64_t>{16314, 25, 675, 404, 99, 274, 354, 2, 250, 10, 503, 1065, 282, 80, 545, 99, 44}));
  const auto train = s.given_train > 0;
  EXPECT_EQ((train & (s.labels == 0)).sum().item<int64_t>(), 151);
  // Where both label a pixel, they agree except on 10 pixels (ground truth 7, training map 11).
  const auto disagree = train & (s.labels > 0) & (s.labels != s.given_train);
  EXPECT_EQ(disagree.sum().item<int64_t>(), 10);
  EXPECT_TRUE(s.labels.masked_select(disagree).eq(7).all().item<bool>());
  EXPECT_TRUE(s.given_train.masked_select(disagree).eq(11).all().item<bool>());
  // After relabelling, every other shared pixel agrees: the table is the right one.
  EXPECT_EQ((train & (s.labels > 0) & (s.labels == s.given_train)).sum().item<int64_t>(), 5689 - 151 - 10);
}

TEST(GroundTruthFiles, ClassNamesFollowTheStandardOrder) {
  const auto* ip = find_standard_scene("indian_pines");
  ASSERT_NE(ip, nullptr);
  ASSERT_EQ(ip->class_names.size(), 16u);
  EXPECT_EQ(ip->class_names[8], "Oats");  // class 9, 20 pixels
  const auto* pc = find_standard_scene("pavia_centre");
  ASSERT_NE(pc, nullptr);
  EXPECT_EQ(pc->class_names[0], "Water");  // class 1, the largest (65971 pixels)
  EXPECT_EQ(find_standard_scene("houston2013")->class_names.size(), 15u);
  EXPECT_EQ(find_standard_scene("nope"), nullptr);
}
