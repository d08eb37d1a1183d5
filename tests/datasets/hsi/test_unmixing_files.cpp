// The unmixing files of $MOEZOO_DATA/hsi/unmixing as classification scenes and
// endmember sets, against scipy.io.loadmat on the same files. Orientation: the cubes
// are [bands, pixels] with pixels in MATLAB's column-major order, so the expected
// pixel values come from
//   img = Y.T.reshape(nRow, nCol, B, order='F');  img[r, c, b]
// and the label fingerprints from A.argmax(0).reshape(nRow, nCol, order='F') + 1 (a
// row-major reshape gives another number, noted beside each).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "datasets/hsi/endmembers.h"
#include "datasets/hsi/mat_file.h"
#include "datasets/hsi/scene_registry.h"
#include "datasets/hsi/unmixing_scenes.h"
#include "tests/datasets/hsi/hsi_test_util.h"

using namespace moezoo::datasets::hsi;
using moezoo::testing::data_root;
using moezoo::testing::label_counts;
using moezoo::testing::map_fingerprint;

namespace {

struct Pixel {
  int64_t row, col, band;
  double value;
};

void expect_pixels(const torch::Tensor& cube, std::initializer_list<Pixel> pixels) {
  for (const auto& p : pixels)
    EXPECT_NEAR(cube[p.row][p.col][p.band].item<double>(), p.value, 1e-7 * std::abs(p.value) + 1e-12)
        << "pixel (" << p.row << ", " << p.col << ") band " << p.band;
}

double cube_sum(const torch::Tensor& cube) { return cube.to(torch::kDouble).sum().item<double>(); }

}  // namespace

TEST(Samson, CubeIsTheColumnMajorImageOfY) {
  MOEZOO_REQUIRE_DATA(path, "hsi/unmixing/Samson.mat");
  MOEZOO_REQUIRE_DATA(end, "hsi/unmixing/_EndSamson.mat");
  {
    const MatFile file(path);
    EXPECT_EQ(file.variable_names(), (std::vector<std::string>{"Y", "nBand", "nCol", "nRow"}));
    EXPECT_EQ(file.read_array("Y").sizes(), torch::IntArrayRef({156, 9025}));
    EXPECT_EQ(file.read_scalar("nRow"), 95.0);
    EXPECT_EQ(file.read_scalar("nCol"), 95.0);
  }
  const HsiScene s = load_samson(data_root());
  ASSERT_EQ(s.cube.sizes(), torch::IntArrayRef({95, 95, 156}));
  EXPECT_EQ(s.cube.scalar_type(), torch::kFloat);
  // (0, 1) is Y column 95 and (1, 0) column 1: a row-major reshape would swap them.
  expect_pixels(s.cube, {{0, 0, 0, 0.025677603423680456},
                         {0, 1, 0, 0.008559201141226819},
                         {1, 0, 0, 0.014978601997146932},
                         {10, 70, 5, 0.009272467902995721},
                         {94, 3, 155, 0.033523537803138374}});
  EXPECT_NEAR(cube_sum(s.cube), 234604.54564907274, 1e-6 * 234604.5);
  EXPECT_EQ(s.class_names, (std::vector<std::string>{"rock", "Tree", "water"}));
  EXPECT_EQ(label_counts(s.labels, 3), (std::vector<int64_t>{0, 3015, 3666, 2344}));
  EXPECT_EQ(map_fingerprint(s.labels), 73245171LL);  // row-major reshape: 64632045
  EXPECT_EQ(s.labels[0][0].item<int64_t>(), 3);
  EXPECT_EQ(s.labels[0][94].item<int64_t>(), 2);
}

TEST(Samson, AbundanceThresholdLeavesMixedPixelsUnlabelled) {
  MOEZOO_REQUIRE_DATA(path, "hsi/unmixing/Samson.mat");
  // numpy: lab[A.max(0) < t] = 0
  UnmixingSceneOptions o;
  o.abundance_threshold = 0.5;
  EXPECT_EQ(label_counts(load_samson(data_root(), o).labels, 3), (std::vector<int64_t>{295, 2836, 3592, 2302}));
  o.abundance_threshold = 0.9;
  const HsiScene s = load_samson(data_root(), o);
  EXPECT_EQ(label_counts(s.labels, 3), (std::vector<int64_t>{4897, 1499, 1365, 1264}));
  EXPECT_NE(s.source.find("abundance >= 0.9"), std::string::npos);
  o.abundance_threshold = 1.5;
  EXPECT_TRUE(
      moezoo::testing::throws_error_with([&] { load_samson(data_root(), o); }, {"abundance_threshold", "[0, 1]"}));
}

TEST(JasperRidge, Uint16CubeIsScaledByMaxValue) {
  MOEZOO_REQUIRE_DATA(path, "hsi/unmixing/JasperRidge2_R198.mat");
  MOEZOO_REQUIRE_DATA(end, "hsi/unmixing/_EndJasperRidge2_R198.mat");
  {
    const MatFile file(path);
    EXPECT_EQ(file.variable_names(),
              (std::vector<std::string>{"Region", "SlectBands", "nRow", "nCol", "nBand", "Y", "maxValue"}));
    // Stored as uint16 elements of a double array: matio hands out doubles, exact integers.
    const auto y = file.read_array("Y");
    EXPECT_EQ(y.scalar_type(), torch::kDouble);
    EXPECT_EQ(y.sizes(), torch::IntArrayRef({198, 10000}));
    EXPECT_EQ(y.sum().item<double>(), 2364404028.0);
    EXPECT_EQ(y.max().item<double>(), 5437.0);  // above maxValue: 18 values are
    EXPECT_EQ(y.gt(5000).sum().item<int64_t>(), 18);
    EXPECT_EQ(file.read_scalar("maxValue"), 5000.0);
    EXPECT_EQ(file.read_scalar("nBand"), 224.0);  // before band selection; Y keeps 198
    EXPECT_TRUE(moezoo::testing::throws_error_with([&] { file.read_array("Region"); },
                                                   {"JasperRidge2_R198.mat: variable 'Region'", "class struct"}));
  }
  const HsiScene s = load_jasper_ridge(data_root());
  ASSERT_EQ(s.cube.sizes(), torch::IntArrayRef({100, 100, 198}));
  expect_pixels(s.cube,
                {{0, 0, 0, 0.0202}, {0, 1, 0, 0.0162}, {1, 0, 0, 0.0244}, {10, 70, 5, 0.2754}, {99, 3, 197, 0.0412}});
  EXPECT_NEAR(cube_sum(s.cube), 472880.8056, 1e-6 * 472880.8);
  EXPECT_NEAR(s.cube.max().item<double>(), 1.0874, 1e-6);
  EXPECT_EQ(s.class_names, (std::vector<std::string>{"tree", "water", "dirt", "road"}));
  EXPECT_EQ(label_counts(s.labels, 4), (std::vector<int64_t>{0, 3493, 3326, 2428, 753}));
  EXPECT_EQ(map_fingerprint(s.labels), 101447100LL);  // row-major reshape: 107253846
  UnmixingSceneOptions o;
  o.abundance_threshold = 0.8;
  EXPECT_EQ(label_counts(load_jasper_ridge(data_root(), o).labels, 4),
            (std::vector<int64_t>{4147, 1830, 3070, 626, 327}));
}

TEST(Urban, ReconstructionFromRealEndmembersAndAbundances) {
  MOEZOO_REQUIRE_DATA(path, "hsi/unmixing/_EndUrban_R162.mat");
  const HsiScene s = load_urban(data_root());
  ASSERT_EQ(s.cube.sizes(), torch::IntArrayRef({307, 307, 162}));
  // numpy: X = M @ A; img = X.T.reshape(307, 307, 162, order='F')
  expect_pixels(s.cube, {{0, 0, 0, 0.10904043368775865},
                         {0, 1, 0, 0.12221541087108845},
                         {1, 0, 0, 0.10872423134997297},
                         {100, 250, 40, 0.15154720978263866}});
  EXPECT_NEAR(cube_sum(s.cube), 2231893.5271772575, 1e-6 * 2231893.5);
  EXPECT_EQ(s.class_names, (std::vector<std::string>{"Asphalt Road", "Grass", "Tree", "Roof"}));
  // 1511 pixels have two equal largest abundances; both numpy and this reader take the first.
  EXPECT_EQ(label_counts(s.labels, 4), (std::vector<int64_t>{0, 29954, 32328, 24805, 7162}));
  EXPECT_EQ(map_fingerprint(s.labels), 9954004400LL);
  EXPECT_EQ(s.source, "_EndUrban_R162.mat, M * A");
}

TEST(Urban, NoiseHasTheRequestedSnr) {
  MOEZOO_REQUIRE_DATA(path, "hsi/unmixing/_EndUrban_R162.mat");
  // Two loads only (each draws 15 million normals); seeding is tested in SpectralNoise.
  const HsiScene clean = load_urban(data_root());
  UnmixingSceneOptions o;
  o.snr_db = 20.0;
  o.seed = 3;
  const HsiScene noisy = load_urban(data_root(), o);
  const auto noise = (noisy.cube - clean.cube).to(torch::kDouble);
  const double signal_power = clean.cube.to(torch::kDouble).square().mean().item<double>();
  const double snr = 10 * std::log10(signal_power / noise.square().mean().item<double>());
  EXPECT_NEAR(snr, 20.0, 0.02);  // 15 million samples: the estimate is within 0.01 dB
  EXPECT_NEAR(noise.mean().item<double>(), 0.0, 1e-4);
  EXPECT_TRUE(torch::equal(noisy.labels, clean.labels));
  EXPECT_EQ(noisy.source, "_EndUrban_R162.mat, M * A + noise at 20 dB (seed 3)");
}

TEST(Endmembers, EveryEndmemberFileReadsWithItsNames) {
  MOEZOO_REQUIRE_DATA(samson, "hsi/unmixing/_EndSamson.mat");
  MOEZOO_REQUIRE_DATA(jasper, "hsi/unmixing/_EndJasperRidge2_R198.mat");
  MOEZOO_REQUIRE_DATA(urban, "hsi/unmixing/_EndUrban_R162.mat");
  MOEZOO_REQUIRE_DATA(cuprite, "hsi/unmixing/_EndCupriteS1_R188.mat");
  const auto s = read_endmembers(samson);
  EXPECT_EQ(s.spectra.sizes(), torch::IntArrayRef({156, 3}));
  EXPECT_EQ(s.abundances.sizes(), torch::IntArrayRef({3, 9025}));
  EXPECT_NEAR(s.spectra.sum().item<double>(), 219.29865481489261, 1e-10);
  EXPECT_DOUBLE_EQ(s.spectra[0][0].item<double>(), 0.1013215859030837);
  EXPECT_LT((s.abundances.sum(0) - 1).abs().max().item<double>(), 1e-12);  // sum-to-one, as scipy shows
  EXPECT_EQ(s.rows, 0);                                                    // Samson keeps nRow / nCol in the cube file

  const auto j = read_endmembers(jasper);
  EXPECT_EQ(j.spectra.sizes(), torch::IntArrayRef({198, 4}));
  EXPECT_EQ(j.abundances.sizes(), torch::IntArrayRef({4, 10000}));

  const auto u = read_endmembers(urban);
  EXPECT_EQ(u.spectra.sizes(), torch::IntArrayRef({162, 4}));
  EXPECT_EQ(u.rows, 307);
  EXPECT_EQ(u.cols, 307);

  // Cuprite: 224-band spectra restricted to the 188 slctBnds (1-based), no abundances.
  {
    const MatFile file(cuprite);
    EXPECT_EQ(file.read_array("M").sizes(), torch::IntArrayRef({224, 12}));
    EXPECT_EQ(file.read_array("slctBnds").sizes(), torch::IntArrayRef({1, 188}));
    EXPECT_EQ(file.read_strings("cood")[11], "#12 Chalcedony");
  }
  const auto c = read_endmembers(cuprite);
  EXPECT_EQ(c.spectra.sizes(), torch::IntArrayRef({188, 12}));
  EXPECT_FALSE(c.abundances.defined());
  EXPECT_DOUBLE_EQ(c.spectra[0][0].item<double>(), 0.5937830969813334);  // M[slctBnds[0] - 1, 0] = M[2, 0]
  EXPECT_DOUBLE_EQ(c.spectra[187][11].item<double>(), 0.3989185765633126);
  EXPECT_NEAR(c.spectra.sum().item<double>(), 1306.9553963659237, 1e-9);
  ASSERT_EQ(c.wavelengths.numel(), 188);
  EXPECT_DOUBLE_EQ(c.wavelengths[0].item<double>(), 0.41957998700000004);
  EXPECT_DOUBLE_EQ(c.wavelengths[187].item<double>(), 2.500189941);
  EXPECT_EQ(c.names, (std::vector<std::string>{"Alunite", "Andradite", "Buddingtonite", "Dumortierite", "Kaolinite_1",
                                               "Kaolinite_2", "Muscovite", "Montmorillonite", "Nontronite", "Pyrope",
                                               "Sphene", "Chalcedony"}));
}

TEST(UnmixingScenes, RegistryLoadsThemByName) {
  MOEZOO_REQUIRE_DATA(path, "hsi/unmixing/Samson.mat");
  SceneOptions o;
  o.unmixing.abundance_threshold = 0.6;
  const HsiScene s = load_scene("samson", data_root(), o);
  EXPECT_EQ(label_counts(s.labels, 3), (std::vector<int64_t>{1313, 2472, 3109, 2131}));
  EXPECT_EQ(load_scene("jasper_ridge", data_root()).cube.size(2), 198);
}

TEST(EndmemberNames, NumbersArePeeledOff) {
  EXPECT_EQ(strip_endmember_number("1-rock"), "rock");
  EXPECT_EQ(strip_endmember_number("#12 Chalcedony"), "Chalcedony");
  EXPECT_EQ(strip_endmember_number("4-Roof"), "Roof");
  EXPECT_EQ(strip_endmember_number("Tree"), "Tree");
  EXPECT_EQ(strip_endmember_number("42"), "42");  // nothing after the number: kept whole
}
