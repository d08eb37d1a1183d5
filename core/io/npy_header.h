#pragma once
/// The header dictionary of a .npy file, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2708, 1433), }`: a Python
/// literal that numpy writes with repr() and reads with ast.literal_eval, so the
/// parser accepts what literal_eval would (any key order, any whitespace, trailing
/// commas, either quote, Python 2 long suffixes) instead of numpy's exact spelling.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moezoo::io {

/// The three fields every .npy header holds.
struct NpyHeader {
  /// The dtype string ("<f4"); empty when the descr is a list (a structured dtype).
  std::string descr;
  /// True when the descr is a list of fields: moezoo reads no structured arrays, but the
  /// caller says so in its own words.
  bool structured = false;
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
};

/// Parses the header text (without magic and length). Throws Error("<where>: ...") for
/// malformed syntax, missing or unknown keys, or values of the wrong type.
NpyHeader parse_npy_header(std::string_view text, const std::string& where);

/// The header text exactly as numpy 1.23+ writes it before padding: keys sorted,
/// `'shape': (5,)` for 1-d, plus the spare spaces numpy reserves so that the first
/// (C order) or last (Fortran order) dimension can grow in place.
std::string format_npy_header(const NpyHeader& header);

}  // namespace moezoo::io
