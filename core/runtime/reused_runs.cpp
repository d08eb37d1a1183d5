#include "core/runtime/reused_runs.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstdio>

#include "core/report/csv.h"
#include "core/util/error.h"

namespace moezoo::runtime {

ReusedRuns::ReusedRuns(const std::vector<std::filesystem::path>& files, std::vector<std::string> key_columns,
                       const std::vector<std::string>& number_columns)
    : key_columns_(std::move(key_columns)) {
  for (const auto& file : files) {
    const report::CsvTable table = report::read_csv(file);
    std::vector<size_t> key_index, number_index;
    for (const auto& k : key_columns_) key_index.push_back(table.column(k));
    for (const auto& n : number_columns) number_index.push_back(table.column(n));
    for (size_t r = 0; r < table.rows.size(); ++r) {
      const auto& fields = table.rows[r];
      for (size_t i : number_index)
        number_from_text(fields[i], file.string() + ":" + std::to_string(table.lines[r]) + ", column '" +
                                        table.header[i] + "'");
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

std::string config_fingerprint(const std::string& config_yaml) {
  uint64_t hash = 14695981039346656037ull;  // FNV-1a, 64 bits
  for (unsigned char c : config_yaml) hash = (hash ^ c) * 1099511628211ull;
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

bool same_config(const ReusedRuns::Row& row, const std::string& fingerprint) {
  const auto it = row.find("config");
  return it == row.end() || it->second.empty() || it->second == fingerprint;
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
