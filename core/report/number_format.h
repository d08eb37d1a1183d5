#pragma once
/// Short, human-readable number formatting for tables and axis labels.

#include <string>

namespace moezoo::report {

/// `v` with about `significant` significant digits (1..17): fixed notation for
/// 1e-3 <= |v| < 1e6 with trailing zeros removed ("0.1235", "1500", "123457"),
/// otherwise scientific with a short exponent ("1.5e-5", "2e7"); "nan", "inf", "-inf".
std::string format_number(double v, int significant = 4);

/// Like format_number() but switches to scientific from 1e4 up, for tick labels on a
/// log axis where "1e4" reads better than "10000".
std::string format_compact(double v, int significant = 3);

}  // namespace moezoo::report
