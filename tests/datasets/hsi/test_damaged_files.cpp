// Truncated and corrupt copies of every .mat file of $MOEZOO_DATA/hsi. The contract
// (DESIGN.md, Errors): never a silently wrong result. For each damaged copy, every
// variable either reads back exactly as from the intact file or fails with a one-line
// moezoo::Error (a std::runtime_error) that names the file and the variable -- and at
// least one variable fails, so the damage is always noticed.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cctype>
#include <memory>
#include <stdexcept>

#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "datasets/hsi/mat_file.h"
#include "datasets/hsi/scene_registry.h"
#include "tests/datasets/hsi/hsi_test_util.h"

using namespace moezoo::datasets::hsi;
using moezoo::testing::throws_error_with;

namespace {

const char* const kFiles[] = {"gt/Botswana_gt.mat",
                              "gt/Indian_pines_gt.mat",
                              "gt/KSC_gt.mat",
                              "gt/PaviaU_gt.mat",
                              "gt/Salinas_gt.mat",
                              "gt/TRpavia_fixed.mat",
                              "gt/TSpavia_fixed.mat",
                              "gt/houston_gt.mat",
                              "gt/indianpines_disjoint_dset.mat",
                              "gt/paviaC_gt.mat",
                              "unmixing/JasperRidge2_R198.mat",
                              "unmixing/Samson.mat",
                              "unmixing/_EndCupriteS1_R188.mat",
                              "unmixing/_EndJasperRidge2_R198.mat",
                              "unmixing/_EndSamson.mat",
                              "unmixing/_EndUrban_R162.mat"};

/// What a variable holds, as far as the readers go: numeric arrays and the `cood` names.
/// Jasper Ridge's `Region` struct is skipped (no reader reads structs).
bool readable(const std::string& name) { return name != "Region"; }

struct Content {
  torch::Tensor array;
  std::vector<std::string> strings;
};

Content read_content(const MatFile& file, const std::string& name) {
  if (name == "cood") return {{}, file.read_strings(name)};
  return {file.read_array(name), {}};
}

/// Checks the contract above for `damaged` against `intact`; `what` describes the damage.
void expect_damage_named(const std::filesystem::path& intact, const std::filesystem::path& damaged,
                         const std::string& what) {
  const MatFile original(intact);
  const std::string file = damaged.filename().string();
  int failures = 0;
  std::unique_ptr<MatFile> copy;
  try {
    copy = std::make_unique<MatFile>(damaged);
  } catch (const moezoo::Error& e) {
    // Damage the header walk cannot get past: the file itself is named.
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << what << ": " << e.what();
    return;
  }
  for (const auto& name : original.variable_names()) {
    if (!readable(name)) continue;
    const Content expected = read_content(original, name);
    try {
      const Content got = read_content(*copy, name);
      if (expected.array.defined())
        EXPECT_TRUE(torch::equal(got.array, expected.array)) << what << ": variable " << name << " read differently";
      else
        EXPECT_EQ(got.strings, expected.strings) << what << ": variable " << name;
    } catch (const moezoo::Error& e) {
      ++failures;
      const std::string message = e.what();
      EXPECT_NE(message.find(file), std::string::npos) << what << ": " << message;
      EXPECT_NE(message.find("'" + name + "'"), std::string::npos) << what << ": " << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << what << ": not one line: " << message;
    }
  }
  EXPECT_GT(failures, 0) << what << ": the damage went unnoticed";
}

class DamagedCopy : public ::testing::TestWithParam<const char*> {};

std::string case_name(const ::testing::TestParamInfo<const char*>& info) {
  std::string name = std::filesystem::path(info.param).stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

}  // namespace

TEST_P(DamagedCopy, TruncatedCopiesNameTheFileAndVariable) {
  MOEZOO_REQUIRE_DATA(path, std::string("hsi/") + GetParam());
  const auto dir = moezoo::testing::temp_dir("hsi_cut");
  const std::string bytes = moezoo::read_file_bytes(path);
  const auto stem = path.stem().string();
  // Cuts inside the last variable's data, mid-file, and inside the first element's tag area.
  for (const double share : {0.95, 0.6}) {
    const auto cut = dir / (stem + "_cut" + std::to_string(static_cast<int>(share * 100)) + ".mat");
    moezoo::write_file_atomically(cut, bytes.substr(0, static_cast<size_t>(bytes.size() * share)));
    expect_damage_named(path, cut, "cut at " + std::to_string(share));
  }
  const auto header_only = dir / (stem + "_header.mat");
  moezoo::write_file_atomically(header_only, bytes.substr(0, 140));
  expect_damage_named(path, header_only, "header only");
  std::filesystem::remove_all(dir);
}

TEST_P(DamagedCopy, CorruptCopiesNameTheFileAndVariable) {
  MOEZOO_REQUIRE_DATA(path, std::string("hsi/") + GetParam());
  const auto dir = moezoo::testing::temp_dir("hsi_bad");
  const std::string bytes = moezoo::read_file_bytes(path);
  const auto stem = path.stem().string();
  // A broken tag of the first element (byte 128 on): its type is no longer miMATRIX or miCOMPRESSED.
  std::string tag = bytes;
  for (size_t i = 128; i < 132; ++i) tag[i] = static_cast<char>(tag[i] ^ 0x5a);
  moezoo::write_file_atomically(dir / (stem + "_tag.mat"), tag);
  expect_damage_named(path, dir / (stem + "_tag.mat"), "broken tag");
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(RealFiles, DamagedCopy, ::testing::ValuesIn(kFiles), case_name);

TEST(DamagedCopy, FlippedBytesInsideCompressedDataAreNamed) {
  // zlib streams carry checks (invalid codes, Adler-32): flipped bytes in the middle of
  // the compressed element are caught.
  for (const char* relative : {"gt/Indian_pines_gt.mat", "gt/paviaC_gt.mat", "unmixing/Samson.mat",
                               "unmixing/_EndUrban_R162.mat", "unmixing/_EndCupriteS1_R188.mat"}) {
    MOEZOO_REQUIRE_DATA(path, std::string("hsi/") + relative);
    const auto dir = moezoo::testing::temp_dir("hsi_flip");
    std::string bytes = moezoo::read_file_bytes(path);
    const size_t middle = bytes.size() / 2;
    for (size_t i = middle; i < middle + 64; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
    const auto copy = dir / (path.stem().string() + "_flip.mat");
    moezoo::write_file_atomically(copy, bytes);
    expect_damage_named(path, copy, std::string("flipped bytes in ") + relative);
    std::filesystem::remove_all(dir);
  }
}

TEST(DamagedCopy, FlippedLabelsInAnUncompressedMapAreCaughtByTheLabelReader) {
  // An uncompressed element has no checksum: flipped bytes are other numbers. A label
  // map still catches them when they leave the scene's label range.
  MOEZOO_REQUIRE_DATA(path, "hsi/gt/houston_gt.mat");
  const auto root = moezoo::testing::temp_dir("hsi_flip_labels");
  std::filesystem::create_directories(root / "hsi" / "gt");
  std::string bytes = moezoo::read_file_bytes(path);
  for (size_t i = 1000; i < 1064; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);  // inside houston_gt_tr's data
  moezoo::write_file_atomically(root / "hsi" / "gt" / "houston_gt.mat", bytes);
  EXPECT_TRUE(throws_error_with([&] { load_scene_ground_truth("houston2013", root); },
                                {"houston_gt.mat: variable 'houston_gt_tr'", "above the scene's 15 classes"}));
  std::filesystem::remove_all(root);
}

TEST(DamagedCopy, SceneLoadersPassTheErrorsOn) {
  MOEZOO_REQUIRE_DATA(path, "hsi/gt/PaviaU_gt.mat");
  const auto root = moezoo::testing::temp_dir("hsi_scene_cut");
  std::filesystem::create_directories(root / "hsi" / "gt");
  const std::string bytes = moezoo::read_file_bytes(path);
  moezoo::write_file_atomically(root / "hsi" / "gt" / "PaviaU_gt.mat", bytes.substr(0, bytes.size() / 2));
  EXPECT_TRUE(throws_error_with([&] { load_scene_ground_truth("pavia_university", root); },
                                {"PaviaU_gt.mat: variable 'paviaU_gt'", "truncated"}));
  // The error is a std::runtime_error, as callers outside moezoo expect.
  EXPECT_THROW(load_scene_ground_truth("pavia_university", root), std::runtime_error);
  std::filesystem::remove_all(root);
}
