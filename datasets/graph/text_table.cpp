#include "datasets/graph/text_table.h"

#include <charconv>
#include <cmath>
#include <fstream>

#include "core/util/error.h"

namespace moezoo::datasets::graph {

namespace {

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

bool is_number(const std::string& field) {
  double value = 0;
  const char* end = field.data() + field.size();
  auto [ptr, ec] = std::from_chars(field.data(), end, value);
  return ec == std::errc() && ptr == end;
}

/// Fields of one comment-free, non-blank line, or an Error naming `where`.
std::vector<std::string> split_fields(const std::string& line, const std::string& where) {
  std::vector<std::string> fields;
  if (line.find(',') != std::string::npos) {
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(',', start);
      fields.push_back(trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
      check_input(!fields.back().empty(), where, "empty field " + std::to_string(fields.size()));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else {
    size_t pos = 0;
    while ((pos = line.find_first_not_of(" \t\r", pos)) != std::string::npos) {
      const size_t end = line.find_first_of(" \t\r", pos);
      fields.push_back(line.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
      pos = end;
    }
  }
  return fields;
}

}  // namespace

std::string row_location(const std::filesystem::path& path, const TextRow& row) {
  return path.string() + ":" + std::to_string(row.line);
}

TextTable read_text_table(const std::filesystem::path& path) {
  check_input(std::filesystem::is_regular_file(path), path.string(), "file not found");
  std::ifstream in(path, std::ios::binary);
  check_input(static_cast<bool>(in), path.string(), "cannot open the file");
  TextTable table;
  std::string line;
  int64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    if (trim(line).empty()) continue;
    TextRow row{number, split_fields(line, path.string() + ":" + std::to_string(number))};
    if (table.rows.empty() && table.header.empty()) {
      bool numeric = true;
      for (const auto& f : row.fields) numeric = numeric && is_number(f);
      if (!numeric) {
        table.header = std::move(row.fields);
        continue;
      }
    }
    table.rows.push_back(std::move(row));
  }
  check_input(!in.bad(), path.string(), "read error");
  return table;
}

int64_t parse_int_field(const std::string& field, const std::string& where) {
  int64_t value = 0;
  const char* end = field.data() + field.size();
  auto [ptr, ec] = std::from_chars(field.data(), end, value);
  check_input(ec == std::errc() && ptr == end, where, "expected an integer, found '" + field + "'");
  return value;
}

double parse_number_field(const std::string& field, const std::string& where) {
  double value = 0;
  const char* end = field.data() + field.size();
  auto [ptr, ec] = std::from_chars(field.data(), end, value);
  check_input(ec == std::errc() && ptr == end, where, "expected a number, found '" + field + "'");
  check_input(std::isfinite(value), where, "'" + field + "' is not a finite number");
  return value;
}

}  // namespace moezoo::datasets::graph
