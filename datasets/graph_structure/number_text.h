#pragma once
/// Numbers in error messages and files: the shortest text that reads back exactly
/// (std::to_string would print 0.123456789 as "0.123457").

#include <charconv>
#include <string>

namespace moezoo::datasets::graph_structure {

inline std::string number_text(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

}  // namespace moezoo::datasets::graph_structure
