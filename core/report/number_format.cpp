#include "core/report/number_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace moezoo::report {
namespace {

// Removes trailing zeros after a decimal point, and the point itself if nothing is left.
void strip_zeros(std::string& s) {
  if (s.find('.') == std::string::npos) return;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
}

std::string format(double v, int significant, double fixed_below) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0.0) return "0";
  significant = std::clamp(significant, 1, 17);
  const double a = std::fabs(v);
  char buf[64];
  if (a >= 1e-3 && a < fixed_below) {
    const int magnitude = static_cast<int>(std::floor(std::log10(a)));
    std::snprintf(buf, sizeof(buf), "%.*f", std::max(0, significant - 1 - magnitude), v);
    std::string s = buf;
    strip_zeros(s);
    if (s == "-0") s = "0";
    // Rounding can carry past the fixed range (999999.6 -> "1000000"); keep it short.
    if (std::fabs(std::stod(s)) < fixed_below) return s;
  }
  std::snprintf(buf, sizeof(buf), "%.*e", significant - 1, v);
  std::string s = buf;
  const std::size_t e = s.find('e');
  std::string mantissa = s.substr(0, e);
  strip_zeros(mantissa);
  const int exponent = std::stoi(s.substr(e + 1));
  return mantissa + "e" + std::to_string(exponent);
}

}  // namespace

std::string format_number(double v, int significant) { return format(v, significant, 1e6); }

std::string format_compact(double v, int significant) { return format(v, significant, 1e4); }

}  // namespace moezoo::report
