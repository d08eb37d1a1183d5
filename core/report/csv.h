#pragma once
/// Comma-separated tables as spreadsheets and pandas write them: one header row, then
/// one row per line; a field holding a comma, a quote or a newline is double-quoted,
/// with quotes doubled ("a ""b"", c").

#include <filesystem>
#include <string>
#include <vector>

namespace moezoo::report {

/// `value` as one CSV field (quoted only when it must be).
std::string csv_field(const std::string& value);
/// `value` in the shortest form that reads back as the same double ("nan" for NaN), so
/// that numbers survive a write and a read unchanged.
std::string csv_number(double value);

struct CsvTable {
  std::filesystem::path file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as the header
  std::vector<int64_t> lines;                  // rows[i] started on line lines[i] (1-based)

  /// Index of column `name`; throws moezoo::Error naming the file otherwise.
  size_t column(const std::string& name) const;
};

/// Parses `text` (from `file`, which only names it in errors). Throws moezoo::Error
/// "file:line: ..." for an unterminated quote, a quote inside an unquoted field, text
/// after a closing quote, or a row whose field count differs from the header's. A
/// UTF-8 byte order mark, LF or CRLF line ends, a final line break and blank lines
/// are fine (so a one-column table cannot hold an empty field).
CsvTable parse_csv(const std::string& text, const std::filesystem::path& file);

/// Reads and parses `file` (moezoo::Error when it cannot be read or is empty).
CsvTable read_csv(const std::filesystem::path& file);

}  // namespace moezoo::report
