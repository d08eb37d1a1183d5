#include "core/report/markdown.h"

#include <algorithm>

#include "core/util/atomic_file.h"

namespace moezoo::report {
namespace {

std::string escape_cell(const std::string& cell) {
  std::string out;
  for (std::size_t i = 0; i < cell.size(); ++i) {
    const char c = cell[i];
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += "<br>";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

// Headings, alt text and link text must stay on one line.
std::string one_line(const std::string& text) {
  std::string out = text;
  std::replace(out.begin(), out.end(), '\n', ' ');
  out.erase(std::remove(out.begin(), out.end(), '\r'), out.end());
  return out;
}

void append_row(std::string& out, const std::vector<std::string>& cells, std::size_t columns) {
  out += "|";
  for (std::size_t i = 0; i < columns; ++i) out += " " + (i < cells.size() ? escape_cell(cells[i]) : "") + " |";
  out += "\n";
}

}  // namespace

std::string markdown_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::size_t columns = header.size();
  for (const auto& row : rows) columns = std::max(columns, row.size());
  if (columns == 0) return "";
  std::string out;
  append_row(out, header, columns);
  out += "|";
  for (std::size_t i = 0; i < columns; ++i) out += " --- |";
  out += "\n";
  for (const auto& row : rows) append_row(out, row, columns);
  return out;
}

void MarkdownReport::add_heading(int level, const std::string& text) {
  text_ += std::string(static_cast<std::size_t>(std::clamp(level, 1, 6)), '#') + " " + one_line(text) + "\n\n";
}

void MarkdownReport::add_paragraph(const std::string& text) { text_ += text + "\n\n"; }

void MarkdownReport::add_table(const std::vector<std::string>& header,
                               const std::vector<std::vector<std::string>>& rows) {
  const std::string table = markdown_table(header, rows);
  if (!table.empty()) text_ += table + "\n";
}

void MarkdownReport::add_image(const std::string& alt, const std::string& relative_path) {
  std::string escaped_alt;
  for (char c : one_line(alt)) {
    if (c == '[' || c == ']' || c == '\\') escaped_alt += '\\';
    escaped_alt += c;
  }
  std::string path = one_line(relative_path);
  if (path.find_first_of(" ()<>") != std::string::npos) {
    std::string wrapped = "<";
    for (char c : path) {
      if (c == '<' || c == '>') wrapped += '\\';
      wrapped += c;
    }
    path = wrapped + ">";
  }
  text_ += "![" + escaped_alt + "](" + path + ")\n\n";
}

void MarkdownReport::add_code_block(const std::string& code, const std::string& language) {
  std::size_t longest = 0, run = 0;
  for (char c : code) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  text_ += fence + one_line(language) + "\n" + code;
  if (!code.empty() && code.back() != '\n') text_ += "\n";
  text_ += fence + "\n\n";
}

void MarkdownReport::write(const std::filesystem::path& path) const { write_file_atomically(path, text_); }

}  // namespace moezoo::report
