#include "core/runtime/reused_runs.h"

#include <cmath>
#include <cstdlib>

#include "core/util/error.h"

namespace moezoo::runtime {

ReusedRuns::ReusedRuns(const std::vector<std::filesystem::path>& files, std::vector<std::string> key_columns)
    : key_columns_(std::move(key_columns)) {
  for (const auto& file : files) {
    const report::CsvTable table = report::read_csv(file);
    std::vector<size_t> key_index;
    for (const auto& k : key_columns_) key_index.push_back(table.column(k));
    for (const auto& fields : table.rows) {
      Row row;
      for (size_t c = 0; c < table.header.size(); ++c) row[table.header[c]] = fields[c];
      std::vector<std::string> key;
      for (size_t i : key_index) key.push_back(fields[i]);
      rows_[key] = std::move(row);
    }
  }
}

const ReusedRuns::Row* ReusedRuns::find(const std::vector<std::string>& key) const {
  const auto it = rows_.find(key);
  return it == rows_.end() ? nullptr : &it->second;
}

const std::string& reused_text(const ReusedRuns::Row& row, const std::string& column, const std::string& where) {
  const auto it = row.find(column);
  check_input(it != row.end(), where, "no column '" + column + "'");
  return it->second;
}

double number_from_text(const std::string& text, const std::string& where) {
  if (text == "nan") return std::nan("");
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  check_input(!text.empty() && end == text.c_str() + text.size(), where, "'" + text + "' is not a number");
  return value;
}

double reused_number(const ReusedRuns::Row& row, const std::string& column, const std::string& where) {
  return number_from_text(reused_text(row, column, where), where + ", column '" + column + "'");
}

}  // namespace moezoo::runtime
