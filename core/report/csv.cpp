#include "core/report/csv.h"

#include <charconv>
#include <cmath>
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

std::string csv_number(double value) {
  if (std::isnan(value)) return "nan";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);  // shortest exact form
  return std::string(buffer, result.ptr);
}

size_t CsvTable::column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw Error(file.string() + ": no column '" + name + "' in the header");
}

CsvTable parse_csv(const std::string& input, const std::filesystem::path& file) {
  const std::string bom = "\xEF\xBB\xBF";  // spreadsheets start UTF-8 files with it
  const std::string_view text =
      input.compare(0, bom.size(), bom) == 0 ? std::string_view(input).substr(bom.size()) : std::string_view(input);
  enum class State { kFieldStart, kUnquoted, kQuoted, kAfterQuote };
  State state = State::kFieldStart;
  std::vector<std::vector<std::string>> records;
  std::vector<int64_t> record_lines;
  std::vector<std::string> fields;
  std::string field;
  int64_t line = 1, row_line = 1;
  auto where = [&] { return file.string() + ":" + std::to_string(line); };
  auto end_field = [&] {
    fields.push_back(std::move(field));
    field.clear();
    state = State::kFieldStart;
  };
  auto end_row = [&] {
    // A line with nothing on it is blank, not a row of one empty field.
    if (!(fields.empty() && field.empty() && state == State::kFieldStart)) {
      end_field();
      records.push_back(std::move(fields));
      record_lines.push_back(row_line);
    }
    fields.clear();
    state = State::kFieldStart;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool crlf = c == '\r' && i + 1 < text.size() && text[i + 1] == '\n';
    if (state == State::kQuoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        state = State::kAfterQuote;
      } else {
        field += c;
        if (crlf) field += text[++i];
        if (c == '\n' || c == '\r') ++line;
      }
      continue;
    }
    if (c == '\n' || c == '\r') {
      end_row();
      if (crlf) ++i;
      row_line = ++line;
      continue;
    }
    if (c == ',') {
      end_field();
      continue;
    }
    switch (state) {
      case State::kFieldStart:
        if (c == '"') state = State::kQuoted;
        else field += c, state = State::kUnquoted;
        break;
      case State::kUnquoted:
        check_input(c != '"', where(), "a quote inside an unquoted field (quote the whole field)");
        field += c;
        break;
      case State::kAfterQuote: throw Error(where() + ": text after a closing quote");
      case State::kQuoted: break;
    }
  }
  check_input(state != State::kQuoted, file.string() + ":" + std::to_string(row_line), "a quoted field is not closed");
  end_row();
  check_input(!records.empty(), file.string(), "no header row (empty file)");
  CsvTable table;
  table.file = file;
  table.header = std::move(records.front());
  for (size_t r = 1; r < records.size(); ++r) {
    check_input(records[r].size() == table.header.size(), file.string() + ":" + std::to_string(record_lines[r]),
                std::to_string(records[r].size()) + " fields, but the header has " +
                    std::to_string(table.header.size()));
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
