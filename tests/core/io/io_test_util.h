#pragma once
/// Helpers shared by the io tests: deterministic sample arrays, fixture paths, and
/// the "every failure is a moezoo::Error naming the file" check.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "core/io/npy_array.h"
#include "core/util/error.h"

#ifndef MOEZOO_IO_FIXTURES
#error "tests/core/io/CMakeLists.txt defines MOEZOO_IO_FIXTURES (the fixtures folder)"
#endif

namespace moezoo::io::testing {

/// A golden file written by tools/gen_io_fixtures.py.
inline std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(MOEZOO_IO_FIXTURES) / name;
}

/// An array of `dtype` and `shape` whose bytes vary with `seed`; bool elements are 0/1
/// as numpy and torch require, everything else is arbitrary bytes (NaN payloads
/// included: the tests compare bytes, not values).
inline NpyArray sample_array(DType dtype, std::vector<std::int64_t> shape, bool fortran = false,
                             unsigned seed = 1) {
  NpyArray array;
  array.dtype = dtype;
  array.shape = std::move(shape);
  array.fortran_order = fortran;
  array.bytes.resize(array.nbytes());
  std::uint32_t state = 2463534242u ^ (seed * 2654435761u);
  for (std::size_t i = 0; i < array.bytes.size(); ++i) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    array.bytes[i] = dtype == DType::Bool ? static_cast<char>(state & 1) : static_cast<char>(state & 0xff);
  }
  return array;
}

/// Shapes every round trip covers: 0-d, empty, 1-d, 2-d, 3-d.
inline std::vector<std::vector<std::int64_t>> test_shapes() {
  return {{}, {0}, {3, 0}, {5}, {2, 3}, {2, 3, 4}};
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// Runs `fn`; returns true when it succeeded, false when it threw moezoo::Error whose
/// message contains `must_name`. Any other exception fails the test.
inline bool succeeds_or_names(const std::function<void()>& fn, const std::string& must_name,
                              const std::string& context) {
  try {
    fn();
    return true;
  } catch (const moezoo::Error& e) {
    EXPECT_NE(std::string(e.what()).find(must_name), std::string::npos)
        << context << ": message does not name " << must_name << ": " << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << context << ": multi-line message: " << e.what();
    return false;
  } catch (const std::exception& e) {
    ADD_FAILURE() << context << ": threw a non-moezoo exception: " << e.what();
    return false;
  }
}

/// Expects `fn` to throw moezoo::Error whose one-line message contains every fragment.
inline void expect_error(const std::function<void()>& fn, const std::vector<std::string>& fragments) {
  try {
    fn();
    ADD_FAILURE() << "expected moezoo::Error containing '" << (fragments.empty() ? "" : fragments[0]) << "'";
  } catch (const moezoo::Error& e) {
    const std::string message = e.what();
    for (const auto& fragment : fragments) {
      EXPECT_NE(message.find(fragment), std::string::npos) << "'" << fragment << "' not in: " << message;
    }
    EXPECT_EQ(message.find('\n'), std::string::npos) << "multi-line message: " << message;
  }
}

}  // namespace moezoo::io::testing
