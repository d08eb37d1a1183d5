#include "core/io/npz.h"

#include <gtest/gtest.h>

#include "core/io/npy.h"
#include "tests/core/io/io_test_util.h"
#include "tests/support/test_data.h"

namespace moezoo::io {
namespace {

namespace fs = std::filesystem;
using testing::expect_error;
using testing::sample_array;

std::map<std::string, NpyArray> every_dtype_and_shape() {
  std::map<std::string, NpyArray> arrays;
  unsigned seed = 1;
  for (DType dtype : all_dtypes()) {
    if (dtype == DType::BFloat16) continue;
    for (const auto& shape : testing::test_shapes()) {
      for (bool fortran : {false, true}) {
        const std::string key = std::string(dtype_name(dtype)) + "_" + std::to_string(shape.size()) + "d_" +
                                std::to_string(shape.empty() ? 1 : shape[0]) + (fortran ? "_F" : "_C");
        arrays[key] = sample_array(dtype, shape, fortran, seed++);
      }
    }
  }
  return arrays;
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  return names;
}

TEST(Npz, RoundTripsCompressedAndStored) {
  const auto dir = moezoo::testing::temp_dir("npz");
  const auto arrays = every_dtype_and_shape();
  for (bool compress : {true, false}) {
    const auto path = dir / (compress ? "c.npz" : "s.npz");
    write_npz(path, arrays, compress);
    EXPECT_EQ(read_npz(path), arrays);
    EXPECT_EQ(read_npz_member(path, "float32_2d_2_F"), arrays.at("float32_2d_2_F"));
    const auto keys = list_npz(path);
    EXPECT_EQ(keys.size(), arrays.size());
  }
  // Compressible data: the deflated archive must be the smaller one.
  std::map<std::string, NpyArray> zeros{{"z", NpyArray::from_values<double>({1000}, std::vector<double>(1000, 0.0))}};
  write_npz(dir / "zc.npz", zeros, true);
  write_npz(dir / "zs.npz", zeros, false);
  EXPECT_LT(fs::file_size(dir / "zc.npz") * 10, fs::file_size(dir / "zs.npz"));
  // The atomic writer leaves no temporary behind.
  for (const auto& name : files_in(dir)) EXPECT_EQ(name.find(".tmp"), std::string::npos) << name;
}

TEST(Npz, EmptyArchiveRoundTrips) {
  const auto path = moezoo::testing::temp_dir("npz") / "empty.npz";
  write_npz(path, {}, true);
  EXPECT_EQ(fs::file_size(path), 22u);  // just the end-of-central-directory record, as numpy writes
  EXPECT_TRUE(read_npz(path).empty());
}

TEST(Npz, OverwritesAnExistingArchive) {
  const auto path = moezoo::testing::temp_dir("npz") / "a.npz";
  write_npz(path, {{"a", sample_array(DType::Int8, {4})}}, true);
  write_npz(path, {{"b", sample_array(DType::Int8, {2})}}, false);
  EXPECT_EQ(list_npz(path), std::vector<std::string>{"b"});
}

TEST(Npz, MissingMemberListsTheKeys) {
  const auto path = moezoo::testing::temp_dir("npz") / "g.npz";
  write_npz(path, {{"x", sample_array(DType::Float32, {2, 2})}, {"y", sample_array(DType::Int64, {2})}}, true);
  expect_error([&] { read_npz_member(path, "edge_index"); },
               {path.string() + ": ", "no array 'edge_index'", "keys: x, y"});
}

TEST(Npz, BadInputsAreErrorsNamingTheFile) {
  const auto dir = moezoo::testing::temp_dir("npz");
  expect_error([&] { read_npz(dir / "missing.npz"); }, {"missing.npz: ", "missing file"});
  testing::write_bytes(dir / "text.npz", "this is not a zip archive at all");
  expect_error([&] { read_npz(dir / "text.npz"); }, {"text.npz: ", "corrupt or truncated"});
  testing::write_bytes(dir / "zero.npz", "");
  expect_error([&] { read_npz(dir / "zero.npz"); }, {"zero.npz: "});
  expect_error([&] { write_npz(dir / "bf.npz", {{"w", sample_array(DType::BFloat16, {2})}}, true); },
               {"bf.npz: ", "'w'", "bfloat16"});
  EXPECT_FALSE(fs::exists(dir / "bf.npz"));
  auto bad = sample_array(DType::Float32, {2});
  bad.bytes.pop_back();
  expect_error([&] { write_npz(dir / "bad.npz", {{"w", bad}}, true); }, {"bad.npz: ", "needs 8 bytes"});
}

// Cuts and byte flips over a whole small archive: each must be a clean moezoo::Error that
// names the file, or (for bytes nothing depends on, like timestamps) an intact read.
TEST(Npz, EveryTruncationAndFlipIsCaught) {
  const auto dir = moezoo::testing::temp_dir("npz");
  const std::map<std::string, NpyArray> arrays{{"a", sample_array(DType::Float32, {3, 4})},
                                               {"b", sample_array(DType::Int64, {5}, false, 3)}};
  for (bool compress : {true, false}) {
    const auto path = dir / "src.npz";
    write_npz(path, arrays, compress);
    const std::string bytes = testing::read_bytes(path);
    const auto target = dir / "damaged.npz";
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
      testing::write_bytes(target, bytes.substr(0, cut));
      EXPECT_FALSE(testing::succeeds_or_names([&] { read_npz(target); }, "damaged.npz", "cut " + std::to_string(cut)));
    }
    int errors = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      std::string flipped = bytes;
      flipped[i] = static_cast<char>(flipped[i] ^ 0x10);
      testing::write_bytes(target, flipped);
      std::map<std::string, NpyArray> got;
      if (testing::succeeds_or_names([&] { got = read_npz(target); }, "damaged.npz", "flip " + std::to_string(i))) {
        // The zip CRC guards every member's bytes: whatever still reads must be intact.
        for (const auto& [key, array] : got) {
          if (arrays.count(key)) {
            EXPECT_EQ(array, arrays.at(key)) << "flip at " << i << " changed '" << key << "'";
          }
        }
      } else {
        ++errors;
      }
    }
    EXPECT_GT(errors, static_cast<int>(bytes.size() / 2)) << (compress ? "deflate" : "stored");
  }
}

}  // namespace
}  // namespace moezoo::io
