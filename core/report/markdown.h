#pragma once
/// The report.md of a run: headings, paragraphs, tables and links to PNG plots.

#include <filesystem>
#include <string>
#include <vector>

#include "core/report/number_format.h"  // format_number() for table cells

namespace moezoo::report {

/// A GitHub-flavoured markdown table. '|' in cells is escaped and line breaks become
/// "<br>" so a cell cannot break the table; short rows are padded with empty cells and
/// the header is padded when a row is longer.
std::string markdown_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

/// Builds a markdown document block by block; each block ends with a blank line.
class MarkdownReport {
 public:
  /// "#" x level (clamped to 1..6) followed by `text` on one line.
  void add_heading(int level, const std::string& text);
  /// A paragraph of text, written as given (it may hold inline markdown).
  void add_paragraph(const std::string& text);
  /// A table, see markdown_table().
  void add_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
  /// An image link. `relative_path` is relative to the report file so that the run
  /// folder can be moved; paths with spaces or parentheses are wrapped in <>.
  void add_image(const std::string& alt, const std::string& relative_path);
  /// A fenced code block (a resolved config, a command line); the fence is made longer
  /// than any run of backticks inside `code`.
  void add_code_block(const std::string& code, const std::string& language = "");

  /// The document so far.
  std::string str() const { return text_; }
  /// Writes the document to `path` (creating its folder) through a temporary file and a
  /// rename; throws a std::runtime_error naming the file on failure.
  void write(const std::filesystem::path& path) const;

 private:
  std::string text_;
};

}  // namespace moezoo::report
