#pragma once
/// Assertions on moezoo's error contract: bad input is a moezoo::Error whose message is
/// one line naming the file or key.

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "core/util/error.h"

namespace moezoo::testing {

/// Runs `fn`, expecting a moezoo::Error whose one-line message contains every one of `parts`.
template <typename Fn>
::testing::AssertionResult throws_error_with(Fn&& fn, std::initializer_list<std::string> parts) {
  try {
    fn();
  } catch (const moezoo::Error& e) {
    const std::string what = e.what();
    for (const auto& p : parts)
      if (what.find(p) == std::string::npos)
        return ::testing::AssertionFailure() << "message lacks '" << p << "': " << what;
    if (what.find('\n') != std::string::npos) return ::testing::AssertionFailure() << "not one line: " << what;
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no moezoo::Error thrown";
}

}  // namespace moezoo::testing
