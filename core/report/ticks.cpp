#include "core/report/ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/report/number_format.h"

namespace moezoo::report {
namespace {

std::vector<double> multiples(double lo, double hi, double step) {
  std::vector<double> ticks;
  const double first = std::ceil(lo / step - 1e-9), last = std::floor(hi / step + 1e-9);
  for (double i = first; i <= last; i += 1.0) {
    const double v = i * step;
    ticks.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);  // avoid "-0" and 1e-17
  }
  return ticks;
}

double count_multiples(double lo, double hi, double step) {
  return std::floor(hi / step + 1e-9) - std::ceil(lo / step - 1e-9) + 1.0;
}

std::string with_decimals(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  std::string s = buf;
  if (s.find_first_not_of("-0.") == std::string::npos) return "0";  // "-0.00" -> "0"
  return s;
}

std::string strip(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::vector<double> linear_ticks(double lo, double hi, int max_ticks) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) return {};
  if (lo == hi) return {lo};
  max_ticks = std::max(2, max_ticks);
  const int k0 = static_cast<int>(std::floor(std::log10((hi - lo) / max_ticks))) - 1;
  double previous = 0;
  for (int k = k0; k < k0 + 4; ++k) {
    for (double m : {1.0, 2.0, 5.0}) {
      const double step = m * std::pow(10.0, k);
      const double count = count_multiples(lo, hi, step);
      if (count > max_ticks) {
        previous = step;
        continue;
      }
      // One tick says nothing about scale: then one more than asked is the better choice.
      if (count < 2 && previous > 0) return multiples(lo, hi, previous);
      return multiples(lo, hi, step);
    }
  }
  return {lo, hi};
}

std::vector<double> log_ticks(double lo, double hi, int max_ticks) {
  if (!(lo > 0) || !std::isfinite(hi) || lo > hi) return {};
  max_ticks = std::max(2, max_ticks);
  const int e0 = static_cast<int>(std::ceil(std::log10(lo) - 1e-9));
  const int e1 = static_cast<int>(std::floor(std::log10(hi) + 1e-9));
  const int decades = e1 - e0 + 1;  // powers of ten inside [lo, hi]
  // 1-2-5 multiples keep a range of a decade or two labelled densely enough.
  std::vector<double> dense;
  for (int e = e0 - 1; e <= e1; ++e) {
    for (double m : {1.0, 2.0, 5.0}) {
      const double v = m * std::pow(10.0, e);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) dense.push_back(v);
    }
  }
  if (dense.size() >= 3 && static_cast<int>(dense.size()) <= max_ticks) return dense;
  if (decades >= 2) {
    for (int stride = 1;; ++stride) {
      if ((decades + stride - 1) / stride > max_ticks) continue;
      std::vector<double> ticks;
      // Multiples of the stride, so 1e-6, 1e-3, 1, 1e3 line up across plots.
      for (int e = e0; e <= e1; ++e) {
        if (((e % stride) + stride) % stride == 0) ticks.push_back(std::pow(10.0, e));
      }
      if (ticks.size() >= 2 || stride >= decades) return ticks;
    }
  }
  std::vector<double> ticks = linear_ticks(lo, hi, std::min(max_ticks, 6));
  ticks.erase(std::remove_if(ticks.begin(), ticks.end(), [](double v) { return !(v > 0); }), ticks.end());
  return ticks;
}

std::vector<std::string> linear_tick_labels(const std::vector<double>& ticks) {
  std::vector<std::string> labels;
  if (ticks.empty()) return labels;
  double largest = 0, step = 0;
  for (double t : ticks) largest = std::max(largest, std::fabs(t));
  if (ticks.size() >= 2) step = std::fabs(ticks[1] - ticks[0]);
  if (step == 0) step = largest > 0 ? largest : 1.0;
  const int step_exp = static_cast<int>(std::floor(std::log10(step) + 1e-9));

  if (largest >= 1e9 || (largest > 0 && largest < 1e-3)) {
    for (double t : ticks) {
      // Enough digits to tell neighbours apart (1.5e-4 next to 2e-4).
      const double magnitude = std::max(std::fabs(t), step);
      const int digits = static_cast<int>(std::floor(std::log10(magnitude) + 1e-9)) - step_exp + 1;
      labels.push_back(format_compact(t, std::max(1, digits)));
    }
    return labels;
  }
  const bool suffix = largest >= 1e4;
  const double unit = largest >= 1e6 ? 1e6 : suffix ? 1e3 : 1.0;
  const std::string suffix_text = largest >= 1e6 ? "M" : suffix ? "k" : "";
  // The fewest decimals that show every tick exactly (a 2.5 step needs one more than 2).
  int decimals = std::max(0, -(step_exp - static_cast<int>(std::lround(std::log10(unit)))));
  auto exact = [&](int d) {
    for (double t : ticks) {
      if (std::fabs(std::stod(with_decimals(t / unit, d)) - t / unit) > 1e-6 * step / unit) return false;
    }
    return true;
  };
  for (int extra = 0; extra < 3 && !exact(decimals); ++extra) ++decimals;
  for (double t : ticks) {
    const std::string s = with_decimals(t / unit, decimals);
    // With a suffix, "2.5k 5k 7.5k" reads better than "2.5k 5.0k 7.5k".
    labels.push_back(!suffix ? s : s == "0" ? s : strip(s) + suffix_text);
  }
  return labels;
}

std::vector<std::string> log_tick_labels(const std::vector<double>& ticks) {
  std::vector<std::string> labels;
  for (double t : ticks) labels.push_back(format_compact(t, 3));
  return labels;
}

}  // namespace moezoo::report
