#pragma once
/// Errors that reach a user: one line naming the file or key and what was expected.

#include <stdexcept>
#include <string>

namespace moezoo {

/// Bad input (file, config key, data). Pipelines print what() and exit non-zero.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Throws Error(where + ": " + what) when `condition` is false.
inline void check_input(bool condition, const std::string& where, const std::string& what) {
  if (!condition) throw Error(where + ": " + what);
}

}  // namespace moezoo
