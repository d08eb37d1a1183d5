#pragma once
/// The embedded bitmap font used for all report text: printable ASCII (32..126), 5x7
/// capitals and digits, lowercase with two rows of descender, proportional advance.

#include <cstdint>

namespace moezoo::report {

/// Rows per glyph: 7 above the baseline, 2 of descender.
inline constexpr int kFontRows = 9;
/// Height of capitals and digits, the part of a glyph above the baseline.
inline constexpr int kFontCapHeight = 7;
/// Blank columns between two glyphs.
inline constexpr int kFontSpacing = 1;

/// One glyph: bit x of rows[y] is the pixel in column x, row y (row 0 at the top).
struct Glyph {
  std::uint8_t rows[kFontRows];
  int width;  ///< columns from the leftmost to the rightmost ink column (advance for space)
};

/// The glyph for `c`; characters outside 32..126 map to '?'. Columns are shifted so
/// that the leftmost ink column is column 0, which makes the advance `width + spacing`.
const Glyph& font_glyph(char c);

}  // namespace moezoo::report
