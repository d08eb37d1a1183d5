#pragma once
/// Small numeric text tables (edge lists, label lists, feature CSVs) read line by
/// line, so that every error names the file and the line. Torch-free.
///
/// Format: one row per line; a line holding a comma splits on commas (fields trimmed,
/// an empty field is an error), any other line splits on spaces and tabs; '#' starts
/// a comment that runs to the end of the line; blank and comment-only lines are
/// skipped. A first row with a field that is not a number is a header, and is dropped.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace moezoo::datasets::graph {

/// One data row: its fields and its 1-based line number in the file.
struct TextRow {
  int64_t line = 0;
  std::vector<std::string> fields;
};

struct TextTable {
  std::vector<std::string> header;  ///< empty when the file has none
  std::vector<TextRow> rows;
};

/// Reads `path`; a missing or unreadable file is an Error naming it.
TextTable read_text_table(const std::filesystem::path& path);

/// The whole field as an integer / a finite number; otherwise Error("<where>: ...").
int64_t parse_int_field(const std::string& field, const std::string& where);
double parse_number_field(const std::string& field, const std::string& where);

/// "path:line", the `where` of errors about one row.
std::string row_location(const std::filesystem::path& path, const TextRow& row);

}  // namespace moezoo::datasets::graph
