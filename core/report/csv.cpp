#include "core/report/csv.h"

#include <fstream>
#include <sstream>

#include "core/util/error.h"

namespace moezoo::report {

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

size_t CsvTable::column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw Error(file.string() + ": no column '" + name + "' in the header");
}

CsvTable parse_csv(const std::string& text, const std::filesystem::path& file) {
  CsvTable table;
  table.file = file;
  std::vector<std::vector<std::string>> records;
  std::vector<int64_t> record_lines;
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false, row_has_content = false;
  int64_t line = 1, row_line = 1;
  auto end_row = [&] {
    if (row_has_content) {
      fields.push_back(field);
      records.push_back(std::move(fields));
      record_lines.push_back(row_line);
    }
    fields.clear();
    field.clear();
    row_has_content = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        field += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        field += c;
      if (c == '\n') ++line;
      continue;
    }
    if (c == '\n' || c == '\r') {
      end_row();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row_line = ++line;
      continue;
    }
    row_has_content = true;
    if (c == '"')
      quoted = true;
    else if (c == ',')
      fields.push_back(field), field.clear();
    else
      field += c;
  }
  check_input(!quoted, file.string() + ":" + std::to_string(row_line), "a quoted field is not closed");
  end_row();
  check_input(!records.empty(), file.string(), "no header row (empty file)");
  table.header = std::move(records.front());
  for (size_t r = 1; r < records.size(); ++r) {
    check_input(
        records[r].size() == table.header.size(), file.string() + ":" + std::to_string(record_lines[r]),
        std::to_string(records[r].size()) + " fields, but the header has " + std::to_string(table.header.size()));
    table.rows.push_back(std::move(records[r]));
    table.lines.push_back(record_lines[r]);
  }
  return table;
}

CsvTable read_csv(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  check_input(static_cast<bool>(in), file.string(), "cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_csv(text.str(), file);
}

}  // namespace moezoo::report
