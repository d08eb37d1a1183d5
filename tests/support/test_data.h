#pragma once
/// Locating the real data in tests: $MOEZOO_DATA (CI sets it to ../shared/datasets).
/// A test that needs a file skips itself where the data is absent, except under
/// CI=true, where absence is a failure.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace moezoo::testing {

/// Root of the data folder, or empty when MOEZOO_DATA is unset.
inline std::filesystem::path data_root() {
  const char* root = std::getenv("MOEZOO_DATA");
  return root ? std::filesystem::path(root) : std::filesystem::path();
}

inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

/// Temporary directory unique to the running test, removed by the caller if wanted.
inline std::filesystem::path temp_dir(const std::string& tag) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::temp_directory_path() /
             ("moezoo_test_" + tag + "_" + std::string(info->test_suite_name()) + "_" + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace moezoo::testing

/// Resolves `relative` under $MOEZOO_DATA into `var`; skips (or fails under CI) when absent.
#define MOEZOO_REQUIRE_DATA(var, relative)                                                  \
  std::filesystem::path var = ::moezoo::testing::data_root() / (relative);                  \
  if (::moezoo::testing::data_root().empty() || !std::filesystem::exists(var)) {            \
    if (::moezoo::testing::running_in_ci()) {                                               \
      FAIL() << "CI=true but real data is missing: " << var << " (set MOEZOO_DATA)";        \
    }                                                                                       \
    GTEST_SKIP() << "real data not found: " << var << " (set MOEZOO_DATA)";                 \
  }
