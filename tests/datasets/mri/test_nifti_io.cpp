// NIfTI reading and writing: the real files' shapes and geometry, round trips that keep
// a rotated direction, the pixel types, and errors naming the file.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "core/util/error.h"
#include "datasets/mri/nifti_io.h"
#include "tests/datasets/mri/mri_test_util.h"

using namespace moezoo::datasets::mri;
using moezoo::testing::throws_error_with;

namespace {

void expect_same_geometry(const Geometry& a, const Geometry& b, double tol = 1e-5) {
  EXPECT_EQ(a.size, b.size);
  for (int d = 0; d < 3; ++d) {
    EXPECT_NEAR(a.spacing[d], b.spacing[d], tol);
    EXPECT_NEAR(a.origin[d], b.origin[d], tol);
  }
  for (int e = 0; e < 9; ++e) EXPECT_NEAR(a.direction[e], b.direction[e], tol) << "direction element " << e;
}

}  // namespace

TEST(NiftiIo, ReadsTcgaModalityWithBratsGeometry) {
  MOEZOO_REQUIRE_DATA(path, "mri/TCGA-DU-7294/TCGA-DU-7294_t1_bet.nii.gz");
  const Volume v = read_nifti(path);
  EXPECT_EQ(v.data.sizes(), (std::vector<int64_t>{155, 240, 240}));
  EXPECT_EQ(v.data.scalar_type(), torch::kFloat);
  EXPECT_EQ(v.geometry.size, (std::array<int64_t, 3>{240, 240, 155}));
  for (double s : v.geometry.spacing) EXPECT_NEAR(s, 1.0, 1e-6);
  // Skull-stripped: zero background, integer intensities from int16.
  EXPECT_EQ(v.data[0][0][0].item<float>(), 0.0f);
  EXPECT_GT(v.data.max().item<float>(), 100.0f);
  EXPECT_TRUE(torch::equal(v.data, v.data.round()));
}

TEST(NiftiIo, ReadsColin27Atlas) {
  MOEZOO_REQUIRE_DATA(path, "mri/atlas/ch2bet.nii.gz");
  const Volume v = read_nifti(path);
  EXPECT_EQ(v.geometry.size, (std::array<int64_t, 3>{181, 217, 181}));
  EXPECT_EQ(v.data.sizes(), (std::vector<int64_t>{181, 217, 181}));
  for (double s : v.geometry.spacing) EXPECT_NEAR(s, 1.0, 1e-6);
}

TEST(NiftiIo, RoundTripKeepsRotatedGeometryAndValues) {
  const auto dir = moezoo::testing::temp_dir("mri");
  const Geometry g = moezoo::testing::rotated_geometry(7, 5, 3);
  const auto data = torch::arange(3 * 5 * 7, torch::kFloat).reshape({3, 5, 7}) * 0.5f - 3.0f;
  for (const char* name : {"v.nii.gz", "v.nii"}) {
    write_nifti(dir / name, data, g);
    const Volume back = read_nifti(dir / name);
    expect_same_geometry(back.geometry, g);
    EXPECT_TRUE(torch::equal(back.data, data)) << name;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir))  // no temporary left behind
    EXPECT_TRUE(entry.path().filename() == "v.nii.gz" || entry.path().filename() == "v.nii") << entry.path();
}

TEST(NiftiIo, IndexOrderIsItkXFastest) {
  // A ramp along x only: voxel (i, j, k) = i. In the tensor it varies along the last axis.
  const auto dir = moezoo::testing::temp_dir("mri");
  Geometry g;
  g.size = {4, 3, 2};
  const auto ramp = torch::arange(4, torch::kFloat).view({1, 1, 4}).expand({2, 3, 4});
  write_nifti(dir / "ramp.nii.gz", ramp, g, PixelType::kInt16);
  const Volume back = read_nifti(dir / "ramp.nii.gz");
  EXPECT_TRUE(torch::equal(back.data, ramp));
}

TEST(NiftiIo, IntegerPixelTypesRoundAndClamp) {
  const auto dir = moezoo::testing::temp_dir("mri");
  Geometry g;
  g.size = {3, 1, 1};
  const auto data = torch::tensor({-7.6f, 2.4f, 300.0f}).view({1, 1, 3});
  write_nifti(dir / "u8.nii.gz", data, g, PixelType::kUInt8);
  EXPECT_TRUE(torch::equal(read_nifti(dir / "u8.nii.gz").data, torch::tensor({0.0f, 2.0f, 255.0f}).view({1, 1, 3})));
  write_nifti(dir / "i16.nii.gz", data, g, PixelType::kInt16);
  EXPECT_TRUE(torch::equal(read_nifti(dir / "i16.nii.gz").data, torch::tensor({-8.0f, 2.0f, 300.0f}).view({1, 1, 3})));
}

TEST(NiftiIo, PredictionWrittenOnRealGeometryOverlaysInput) {
  MOEZOO_REQUIRE_DATA(path, "mri/TCGA-DU-7294/TCGA-DU-7294_t2_bet.nii.gz");
  const Volume input = read_nifti(path);
  const auto dir = moezoo::testing::temp_dir("mri");
  const auto mask = input.data.gt(0).to(torch::kFloat);
  write_nifti(dir / "pred.nii.gz", mask, input.geometry, PixelType::kUInt8);
  const Volume back = read_nifti(dir / "pred.nii.gz");
  expect_same_geometry(back.geometry, input.geometry);
  EXPECT_TRUE(torch::equal(back.data, mask));
}

TEST(NiftiIo, ErrorsNameTheFile) {
  const auto dir = moezoo::testing::temp_dir("mri");
  EXPECT_TRUE(throws_error_with([&] { read_nifti(dir / "absent.nii.gz"); }, {"absent.nii.gz", "missing"}));
  std::ofstream(dir / "garbage.nii.gz") << "this is not a NIfTI file at all";
  EXPECT_TRUE(throws_error_with([&] { read_nifti(dir / "garbage.nii.gz"); }, {"garbage.nii.gz"}));
  Geometry g;
  g.size = {2, 2, 2};
  EXPECT_TRUE(throws_error_with(
      [&] {
        write_nifti(dir / "bad.nii.gz", torch::zeros({2, 2, 3}), g);
      },
      {"bad.nii.gz", "size"}));
  EXPECT_TRUE(throws_error_with([&] { write_nifti(dir / "bad.png", torch::zeros({2, 2, 2}), g); }, {"bad.png"}));
}

TEST(NiftiIo, TruncatedRealFileIsAnErrorNamingIt) {
  MOEZOO_REQUIRE_DATA(path, "mri/TCGA-DU-7294/TCGA-DU-7294_t1c_bet.nii.gz");
  const auto dir = moezoo::testing::temp_dir("mri");
  for (double keep : {0.5, 0.9, 0.999}) {
    const auto cut = dir / "cut.nii.gz";
    moezoo::testing::write_truncated(path, cut, keep);
    EXPECT_TRUE(throws_error_with([&] { read_nifti(cut); }, {"cut.nii.gz"})) << "kept " << keep;
  }
}

TEST(NiftiIo, CorruptOrShortFilesAreErrorsNamingThem) {
  MOEZOO_REQUIRE_DATA(path, "mri/atlas/ch2bet.nii.gz");
  const auto dir = moezoo::testing::temp_dir("mri");
  // A flipped byte inside the deflate stream: a data error or a CRC mismatch at the end.
  const auto flipped = dir / "flipped.nii.gz";
  std::filesystem::copy_file(path, flipped);
  {
    std::fstream f(flipped, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(path) * 3 / 5));
    char byte = 0;
    f.read(&byte, 1);
    f.seekp(-1, std::ios::cur);
    byte = static_cast<char>(byte ^ 0x5a);
    f.write(&byte, 1);
  }
  EXPECT_TRUE(throws_error_with([&] { read_nifti(flipped); }, {"flipped.nii.gz"}));
  // An uncompressed file cut short: fewer bytes than its header needs.
  Geometry g;
  g.size = {8, 8, 8};
  write_nifti(dir / "plain.nii", torch::ones({8, 8, 8}), g);
  moezoo::testing::write_truncated(dir / "plain.nii", dir / "short.nii", 0.8);
  EXPECT_TRUE(throws_error_with([&] { read_nifti(dir / "short.nii"); }, {"short.nii", "truncated"}));
}
