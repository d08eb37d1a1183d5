// MatFile and save_mat on files written here: every format (v5 plain, v5 compressed,
// v7.3/HDF5), dtypes, orientation, and the errors for missing files and variables.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>

#include "core/util/atomic_file.h"
#include "datasets/hsi/mat_file.h"
#include "datasets/hsi/mat_writer.h"
#include "tests/datasets/hsi/hsi_test_util.h"

using namespace moezoo::datasets::hsi;
using moezoo::testing::throws_error_with;

namespace {

struct FormatCase {
  const char* name;
  MatWriteOptions options;
};

const FormatCase kFormats[] = {
    {"v5", {MatFormat::V5, false}},
    {"v5_compressed", {MatFormat::V5, true}},
    {"v73", {MatFormat::V73, false}},
    {"v73_compressed", {MatFormat::V73, true}},
};

/// gtest prints the case by name instead of its bytes.
void PrintTo(const FormatCase& c, std::ostream* os) { *os << c.name; }

class MatRoundTrip : public ::testing::TestWithParam<FormatCase> {};

std::string case_name(const ::testing::TestParamInfo<FormatCase>& info) { return info.param.name; }

/// A [2, 3, 4] cube whose every entry differs: 100 r + 10 c + b.
torch::Tensor numbered_cube() {
  auto r = torch::arange(2).view({2, 1, 1}), c = torch::arange(3).view({1, 3, 1}), b = torch::arange(4).view({1, 1, 4});
  return (100 * r + 10 * c + b).to(torch::kDouble);
}

}  // namespace

TEST_P(MatRoundTrip, EveryDtypeAndShapeReadsBackInMatlabOrientation) {
  const auto& c = GetParam();
  const auto dir = moezoo::testing::temp_dir("mat");
  const auto path = dir / "arrays.mat";
  const auto cube = numbered_cube();
  const std::vector<std::pair<std::string, torch::Tensor>> arrays = {
      {"cube", cube},
      {"single", torch::tensor({1.5f, -2.25f, 3.0f, 4.0f, 5.0f, 6.5f}).view({2, 3})},
      {"i8", torch::tensor({-3, 4}, torch::kChar).view({2, 1})},
      {"u8", torch::tensor({0, 255, 7}, torch::kByte).view({1, 3})},
      {"i16", torch::tensor({-30000, 30000}, torch::kShort).view({1, 2})},
      {"i32", torch::tensor({-7, 8, 9, 10}, torch::kInt).view({2, 2})},
      {"i64", torch::tensor({int64_t{1} << 40, int64_t{-5}}, torch::kLong).view({2, 1})},
      {"mask", torch::tensor({true, false, true}).view({3, 1})},
      {"scalar", torch::tensor(42.0, torch::kDouble)},
      {"row", torch::arange(5, torch::kDouble)},
  };
  save_mat(path, arrays, c.options);
  const MatFile file(path);
  EXPECT_EQ(file.format(), c.options.format);
  std::vector<std::string> names;
  for (const auto& [name, t] : arrays) names.push_back(name);
  auto listed = file.variable_names();
  if (c.options.format == MatFormat::V73) {  // HDF5 lists a group's members by name
    std::sort(names.begin(), names.end());
    EXPECT_EQ(listed, names);
  } else {
    EXPECT_EQ(listed, names);  // v5: file order
  }

  const auto back = file.read_array("cube");
  EXPECT_EQ(back.sizes(), torch::IntArrayRef({2, 3, 4}));
  EXPECT_EQ(back.scalar_type(), torch::kDouble);
  EXPECT_TRUE(torch::equal(back, cube));
  EXPECT_EQ(back[1][2][3].item<double>(), 123.0);  // X(2, 3, 4)
  EXPECT_TRUE(torch::equal(file.read_array("single"), arrays[1].second));
  EXPECT_EQ(file.read_array("single").scalar_type(), torch::kFloat);
  for (size_t i = 2; i <= 6; ++i) {
    const auto t = file.read_array(arrays[i].first);
    EXPECT_EQ(t.scalar_type(), arrays[i].second.scalar_type()) << arrays[i].first;
    EXPECT_TRUE(torch::equal(t, arrays[i].second)) << arrays[i].first;
  }
  const auto mask = file.read_array("mask");
  EXPECT_EQ(mask.scalar_type(), torch::kBool);
  EXPECT_TRUE(torch::equal(mask, arrays[7].second));
  EXPECT_EQ(file.read_array("scalar").sizes(), torch::IntArrayRef({1, 1}));
  EXPECT_EQ(file.read_scalar("scalar"), 42.0);
  EXPECT_EQ(file.read_array("row").sizes(), torch::IntArrayRef({1, 5}));  // scipy's oned_as='row'
  EXPECT_TRUE(throws_error_with([&] { file.read_scalar("row"); },
                                {"arrays.mat: variable 'row'", "expected one value, found 5"}));
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Formats, MatRoundTrip, ::testing::ValuesIn(kFormats), case_name);

TEST(MatFile, ColumnMajorStorageOfARealFileMatchesScipy) {
  MOEZOO_REQUIRE_DATA(path, "hsi/gt/Indian_pines_gt.mat");
  // scipy: gt[0, 0] = 3, gt[143, 32] = 10, gt[0, 144] = 0, and gt[0, 6] = 3 but gt[6, 0] = 0.
  const MatFile file(path);
  const auto gt = file.read_array("indian_pines_gt");
  EXPECT_EQ(gt.scalar_type(), torch::kDouble);  // stored as a double matrix (uint8 elements)
  EXPECT_EQ(gt.sizes(), torch::IntArrayRef({145, 145}));
  EXPECT_EQ(gt[0][0].item<double>(), 3.0);
  EXPECT_EQ(gt[143][32].item<double>(), 10.0);
  EXPECT_EQ(gt[0][144].item<double>(), 0.0);
  EXPECT_EQ(gt[0][6].item<double>(), 3.0);
  EXPECT_EQ(gt[6][0].item<double>(), 0.0);
}

TEST(MatFile, StringsFromACellArrayOfText) {
  MOEZOO_REQUIRE_DATA(path, "hsi/unmixing/_EndSamson.mat");
  const MatFile file(path);
  EXPECT_EQ(file.read_strings("cood"), (std::vector<std::string>{"1-rock", "2-Tree", "3-water"}));
  EXPECT_TRUE(
      throws_error_with([&] { file.read_strings("M"); }, {"_EndSamson.mat: variable 'M'", "found class double"}));
  EXPECT_TRUE(
      throws_error_with([&] { file.read_array("cood"); }, {"_EndSamson.mat: variable 'cood'", "found class cell"}));
}

TEST(MatFile, MissingFileVariableAndNonMatFileAreNamed) {
  const auto dir = moezoo::testing::temp_dir("mat_errors");
  EXPECT_TRUE(throws_error_with([&] { MatFile(dir / "absent.mat"); }, {"absent.mat", "file not found"}));
  moezoo::write_file_atomically(dir / "text.mat", std::string(300, 'x'));
  EXPECT_TRUE(throws_error_with([&] { MatFile(dir / "text.mat"); }, {"text.mat", "not a MATLAB .mat file"}));
  save_mat(dir / "one.mat", {{"a", torch::ones({2, 2})}, {"b", torch::zeros({1, 1})}});
  const MatFile file(dir / "one.mat");
  EXPECT_TRUE(throws_error_with([&] { file.read_array("c"); }, {"one.mat: no variable 'c'", "the file holds a, b"}));
  EXPECT_EQ(file.first_present({"x", "b", "a"}), "b");
  EXPECT_TRUE(throws_error_with(
      [&] {
        file.first_present({"houston", "Houston"});
      },
      {"one.mat: none of the variables houston, Houston", "holds a, b"}));
  EXPECT_TRUE(throws_error_with(
      [&] {
        save_mat(dir / "bad.mat", {{"z", torch::zeros({2}, torch::kComplexFloat)}});
      },
      {"bad.mat: variable 'z'", "cannot be written"}));
  EXPECT_FALSE(std::filesystem::exists(dir / "bad.mat"));  // nothing half-written is left
  std::filesystem::remove_all(dir);
}

TEST(MatFile, TruncatedV73FileIsNamed) {
  const auto dir = moezoo::testing::temp_dir("mat73_cut");
  save_mat(dir / "big.mat", {{"cube", torch::rand({40, 40, 20}, torch::kDouble)}}, {MatFormat::V73, false});
  const std::string bytes = moezoo::read_file_bytes(dir / "big.mat");
  moezoo::write_file_atomically(dir / "big_cut.mat", bytes.substr(0, bytes.size() / 2));
  EXPECT_TRUE(throws_error_with(
      [&] {
        const MatFile file(dir / "big_cut.mat");
        file.read_array("cube");
      },
      {"big_cut.mat"}));
  std::filesystem::remove_all(dir);
}
