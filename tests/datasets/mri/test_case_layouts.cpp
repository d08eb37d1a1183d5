// Case layouts: the real TCGA and BraTS 2023 cases, BraTS 2018 / 2023 / nnU-Net folders
// written here with known labels, and errors that name the case and the file.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "core/util/error.h"
#include "datasets/mri/case_layouts.h"
#include "datasets/mri/nifti_io.h"
#include "tests/datasets/mri/mri_test_util.h"

using namespace moezoo::datasets::mri;
using moezoo::testing::throws_error_with;
namespace fs = std::filesystem;

namespace {

/// Small case volumes: modality m holds (m + 1) * 100 + voxel index, so channel order is visible.
Geometry small_grid() {
  Geometry g;
  g.size = {5, 4, 3};
  return g;
}

at::Tensor modality_data(int m) { return torch::arange(60, torch::kFloat).view({3, 4, 5}) + 100.0f * (m + 1); }

/// Labels with every class: raw values `values` (in the file's own numbering) at voxels 0..3.
at::Tensor raw_labels(std::array<int, 4> values) {
  auto labels = torch::zeros({3, 4, 5}, torch::kFloat);
  for (int i = 0; i < 4; ++i) labels.view({-1})[10 + i] = values[i];
  return labels;
}

/// The expected BraTS 2018 map for raw_labels: background, NCR, ED, ET at 10..13.
at::Tensor expected_labels() { return raw_labels({0, 1, 2, 4}).to(torch::kLong); }

void write_per_case(const fs::path& dir, const std::string& id, const std::array<const char*, 4>& suffixes,
                    const char* seg_suffix, const at::Tensor& seg) {
  fs::create_directories(dir);
  for (int m = 0; m < 4; ++m)
    write_nifti(dir / (id + suffixes[m] + ".nii.gz"), modality_data(m), small_grid(), PixelType::kInt16);
  if (seg_suffix) write_nifti(dir / (id + seg_suffix + ".nii.gz"), seg, small_grid(), PixelType::kUInt8);
}

void expect_channels_in_order(const MriCase& c) {
  ASSERT_EQ(c.image.sizes(), (std::vector<int64_t>{4, 3, 4, 5}));
  for (int m = 0; m < 4; ++m) EXPECT_TRUE(torch::equal(c.image[m], modality_data(m))) << "channel " << m;
}

}  // namespace

TEST(CaseLayouts, RealTcgaCaseWithMajorityVote) {
  MOEZOO_REQUIRE_DATA(dir, "mri/TCGA-DU-7294");
  EXPECT_EQ(detect_layout(dir), CaseLayout::kTcga);
  const auto cases = find_cases(dir);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].id, "TCGA-DU-7294");
  EXPECT_EQ(cases[0].label.filename(), "mav.nii.gz");
  const MriCase c = read_case(cases[0]);
  EXPECT_EQ(c.image.sizes(), (std::vector<int64_t>{4, 155, 240, 240}));
  EXPECT_EQ(c.label.sizes(), (std::vector<int64_t>{155, 240, 240}));
  EXPECT_EQ(c.label.scalar_type(), torch::kLong);
  // Fixed channel order: t1, t1ce, t2, flair.
  EXPECT_TRUE(torch::equal(c.image[1], read_nifti(dir / "TCGA-DU-7294_t1c_bet.nii.gz").data));
  EXPECT_TRUE(torch::equal(c.image[3], read_nifti(dir / "TCGA-DU-7294_fla_bet.nii.gz").data));
  // A glioma: the majority vote labels a tumour with BraTS values only, inside the brain.
  const auto values = std::get<0>(at::_unique(c.label));
  for (int64_t i = 0; i < values.numel(); ++i)
    EXPECT_TRUE(values[i].item<int64_t>() == 0 || values[i].item<int64_t>() == 1 || values[i].item<int64_t>() == 2 ||
                values[i].item<int64_t>() == 4);
  const auto tumour = c.label.gt(0);
  EXPECT_GT(tumour.sum().item<int64_t>(), 1000);
  EXPECT_TRUE(c.image[3].masked_select(tumour).gt(0).all().item<bool>());
}

TEST(CaseLayouts, RealTcgaCaseWithChosenOrNoSegmentation) {
  MOEZOO_REQUIRE_DATA(dir, "mri/TCGA-DU-7294");
  CaseSearch search;
  search.segmentation = "hnfnetv1-20";
  EXPECT_EQ(find_cases(dir, search)[0].label.filename(), "hnfnetv1-20.nii.gz");
  search.segmentation = "";
  EXPECT_TRUE(find_cases(dir, search)[0].label.empty());
  search.segmentation = "nope";
  EXPECT_TRUE(throws_error_with([&] { find_cases(dir, search); }, {"TCGA-DU-7294", "nope"}));
}

TEST(CaseLayouts, RealBrats2023CaseWithoutLabel) {
  MOEZOO_REQUIRE_DATA(dir, "mri/BraTS-GLI-00001-000");
  EXPECT_EQ(detect_layout(dir), CaseLayout::kBrats2023);
  const auto cases = find_cases(dir);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].id, "BraTS-GLI-00001-000");
  EXPECT_EQ(cases[0].images[0].filename(), "BraTS-GLI-00001-000-t1n.nii.gz");
  EXPECT_EQ(cases[0].images[3].filename(), "BraTS-GLI-00001-000-t2f.nii.gz");
  const MriCase c = read_case(cases[0]);
  EXPECT_FALSE(c.label.defined());
  EXPECT_EQ(c.image.sizes(), (std::vector<int64_t>{4, 155, 240, 240}));
}

TEST(CaseLayouts, FolderOfBratsCasesInBothNamings) {
  const auto root = moezoo::testing::temp_dir("mri");
  write_per_case(root / "BraTS2021_00002", "BraTS2021_00002", {"_t1", "_t1ce", "_t2", "_flair"}, "_seg",
                 raw_labels({0, 1, 2, 4}));
  write_per_case(root / "BraTS-GLI-00003-000", "BraTS-GLI-00003-000", {"-t1n", "-t1c", "-t2w", "-t2f"}, "-seg",
                 raw_labels({0, 1, 2, 3}));
  fs::create_directories(root / "notes");  // not a case: skipped
  const auto cases = find_cases(root);
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].id, "BraTS-GLI-00003-000");
  EXPECT_EQ(cases[1].id, "BraTS2021_00002");
  EXPECT_EQ(detect_layout(root / "BraTS2021_00002"), CaseLayout::kBrats2018);
  for (const auto& files : cases) {
    const MriCase c = read_case(files);
    expect_channels_in_order(c);
    EXPECT_TRUE(torch::equal(c.label, expected_labels())) << c.id;  // 2023's 3 became 4
  }
}

TEST(CaseLayouts, NnunetDatasetWithShuffledChannels) {
  const auto root = moezoo::testing::temp_dir("mri");
  fs::create_directories(root / "imagesTr");
  fs::create_directories(root / "labelsTr");
  std::ofstream(root / "dataset.json") << R"({"channel_names": {"0": "FLAIR", "1": "T1", "2": "T1ce", "3": "T2"},
    "labels": {"background": 0, "whole tumor": [1, 2, 3], "tumor core": [2, 3], "enhancing tumor": [3]},
    "regions_class_order": [1, 2, 3], "numTraining": 2, "file_ending": ".nii.gz"})";
  const int channel_of[4] = {1, 2, 3, 0};  // t1, t1ce, t2, flair -> file channel
  for (const char* id : {"BraTS2021_00000", "BraTS2021_00005"}) {
    for (int m = 0; m < 4; ++m)
      write_nifti(root / "imagesTr" / (std::string(id) + "_000" + std::to_string(channel_of[m]) + ".nii.gz"),
                  modality_data(m), small_grid());
    // nnU-Net numbering: 1 oedema, 2 NCR, 3 ET.
    write_nifti(root / "labelsTr" / (std::string(id) + ".nii.gz"), raw_labels({0, 2, 1, 3}), small_grid(),
                PixelType::kUInt8);
  }
  EXPECT_EQ(detect_layout(root), CaseLayout::kNnunet);
  const auto cases = find_cases(root);
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[1].id, "BraTS2021_00005");
  const MriCase c = read_case(cases[1]);
  expect_channels_in_order(c);
  EXPECT_TRUE(torch::equal(c.label, expected_labels()));

  std::ofstream(root / "dataset.json") << R"({"channel_names": {"0": "FLAIR", "1": "T1"}})";
  EXPECT_TRUE(throws_error_with([&] { find_cases(root); }, {"dataset.json", "t1ce"}));
  std::ofstream(root / "dataset.json") << "{ not json";
  EXPECT_TRUE(throws_error_with([&] { find_cases(root); }, {"dataset.json", "malformed"}));
}

TEST(CaseLayouts, MissingModalityNamesCaseAndModality) {
  const auto root = moezoo::testing::temp_dir("mri");
  write_per_case(root / "C1", "C1", {"_t1", "_t1ce", "_t2", "_flair"}, "_seg", raw_labels({0, 1, 2, 4}));
  fs::remove(root / "C1" / "C1_t2.nii.gz");
  EXPECT_TRUE(throws_error_with([&] { find_cases(root); }, {"case C1", "t2", "C1_t2.nii.gz"}));
}

TEST(CaseLayouts, GridMismatchNamesCaseAndFile) {
  const auto root = moezoo::testing::temp_dir("mri");
  write_per_case(root / "C2", "C2", {"_t1", "_t1ce", "_t2", "_flair"}, nullptr, {});
  Geometry other = small_grid();
  other.spacing = {1.0, 1.0, 2.0};
  write_nifti(root / "C2" / "C2_flair.nii.gz", modality_data(3), other);
  const auto files = find_cases(root)[0];
  EXPECT_TRUE(throws_error_with([&] { read_case(files); }, {"case C2", "C2_flair.nii.gz", "spacing"}));
}

TEST(CaseLayouts, WrongLabelValueNamesCaseAndValue) {
  const auto root = moezoo::testing::temp_dir("mri");
  write_per_case(root / "C3", "C3", {"_t1", "_t1ce", "_t2", "_flair"}, "_seg", raw_labels({0, 1, 2, 3}));
  const auto files = find_cases(root)[0];
  EXPECT_TRUE(throws_error_with([&] { read_case(files); }, {"case C3", "C3_seg.nii.gz", "label value 3"}));
}

TEST(CaseLayouts, TruncatedRealModalityNamesCaseAndFile) {
  MOEZOO_REQUIRE_DATA(source, "mri/TCGA-DU-7294");
  const auto dir = moezoo::testing::temp_dir("mri") / "TCGA-DU-7294";
  fs::create_directories(dir / "segmentation");
  for (const char* m : {"t1", "t1c", "t2"}) {
    const std::string name = std::string("TCGA-DU-7294_") + m + "_bet.nii.gz";
    fs::copy_file(source / name, dir / name);
  }
  fs::copy_file(source / "segmentation" / "mav.nii.gz", dir / "segmentation" / "mav.nii.gz");
  moezoo::testing::write_truncated(source / "TCGA-DU-7294_fla_bet.nii.gz", dir / "TCGA-DU-7294_fla_bet.nii.gz", 0.6);
  const auto files = find_cases(dir)[0];
  EXPECT_TRUE(
      throws_error_with([&] { read_case(files); }, {"case TCGA-DU-7294", "flair", "TCGA-DU-7294_fla_bet.nii.gz"}));
}

TEST(CaseLayouts, UnknownFolderIsAnError) {
  const auto root = moezoo::testing::temp_dir("mri");
  std::ofstream(root / "readme.txt") << "nothing";
  EXPECT_TRUE(throws_error_with([&] { detect_layout(root); }, {root.string(), "no case layout"}));
  EXPECT_TRUE(throws_error_with([&] { find_cases(root); }, {root.string(), "no MRI case"}));
}
