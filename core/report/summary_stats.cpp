#include "core/report/summary_stats.h"

#include <cmath>
#include <sstream>

namespace moezoo::report {

MeanStd mean_std(const std::vector<double>& values) {
  MeanStd s;
  s.count = static_cast<int>(values.size());
  if (values.empty()) return s;
  const double n = static_cast<double>(values.size());
  for (double v : values) s.mean += v / n;
  if (values.size() > 1)
    for (double v : values) s.std += (v - s.mean) * (v - s.mean) / (n - 1);
  s.std = std::sqrt(s.std);
  return s;
}

std::string format_percent(double v, int digits) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(digits);
  out << 100 * v;
  return out.str();
}

std::string format_mean_std_percent(const std::vector<double>& values, int digits) {
  if (values.empty()) return "-";
  const MeanStd s = mean_std(values);
  return format_percent(s.mean, digits) + " ± " + format_percent(s.std, digits);
}

}  // namespace moezoo::report
