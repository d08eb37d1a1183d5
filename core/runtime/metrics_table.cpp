#include "core/runtime/metrics_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace moezoo::runtime {

void MetricsTable::add(int64_t step, const Row& values) {
  Row row = values;
  row["step"] = static_cast<double>(step);
  for (const auto& [name, value] : values)
    if (std::find(columns_.begin(), columns_.end(), name) == columns_.end()) columns_.push_back(name);
  rows_.push_back(std::move(row));
}

void MetricsTable::truncate_after(int64_t step) {
  rows_.erase(std::remove_if(rows_.begin(), rows_.end(),
                             [&](const Row& r) { return r.at("step") > static_cast<double>(step); }),
              rows_.end());
}

std::vector<std::pair<double, double>> MetricsTable::series(const std::string& column) const {
  std::vector<std::pair<double, double>> out;
  for (const auto& row : rows_) {
    auto it = row.find(column);
    if (it != row.end()) out.emplace_back(row.at("step"), it->second);
  }
  return out;
}

std::optional<double> MetricsTable::last(const std::string& column) const {
  for (auto it = rows_.rbegin(); it != rows_.rend(); ++it) {
    auto cell = it->find(column);
    if (cell != it->end()) return cell->second;
  }
  return std::nullopt;
}

std::string MetricsTable::to_csv() const {
  std::ostringstream out;
  for (size_t c = 0; c < columns_.size(); ++c) out << (c ? "," : "") << columns_[c];
  out << "\n";
  char buffer[64];
  for (const auto& row : rows_) {
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c) out << ",";
      auto it = row.find(columns_[c]);
      if (it == row.end()) continue;
      if (c == 0) out << static_cast<int64_t>(it->second);
      else {
        std::snprintf(buffer, sizeof(buffer), "%.9g", it->second);
        out << buffer;
      }
    }
    out << "\n";
  }
  return out.str();
}

void MetricsTable::write_csv(const std::filesystem::path& path) const { write_file_atomically(path, to_csv()); }

MetricsTable MetricsTable::read_csv(const std::filesystem::path& path) {
  std::istringstream in(read_file_bytes(path));
  std::string line;
  check_input(static_cast<bool>(std::getline(in, line)), path.string(), "empty metrics file");
  std::vector<std::string> header;
  {
    std::stringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) header.push_back(cell);
  }
  check_input(!header.empty() && header[0] == "step", path.string(), "first column must be 'step'");
  MetricsTable table;
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    Row row;
    std::stringstream cells(line);
    std::string cell;
    for (size_t c = 0; std::getline(cells, cell, ','); ++c) {
      check_input(c < header.size(), path.string() + ":" + std::to_string(line_number), "more cells than columns");
      if (cell.empty()) continue;
      try {
        row[header[c]] = std::stod(cell);
      } catch (const std::exception&) {
        throw Error(path.string() + ":" + std::to_string(line_number) + ": '" + cell + "' is not a number");
      }
    }
    check_input(row.count("step") > 0, path.string() + ":" + std::to_string(line_number), "row has no step");
    const auto step = static_cast<int64_t>(row["step"]);
    row.erase("step");
    table.add(step, row);
  }
  // keep the file's column order even for columns no row filled
  for (const auto& name : header)
    if (std::find(table.columns_.begin(), table.columns_.end(), name) == table.columns_.end()) table.columns_.push_back(name);
  return table;
}

}  // namespace moezoo::runtime
