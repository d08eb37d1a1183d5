#pragma once
/// Summaries of repeated runs for benchmark tables (the `reproduce` verbs): mean and
/// sample standard deviation, and the percent cells "81.5 ± 0.3" those tables print.
/// Torch-free.

#include <string>
#include <vector>

namespace moezoo::report {

/// Mean and sample standard deviation (divisor n - 1; 0 for a single value) of n values.
struct MeanStd {
  double mean = 0.0;
  double std = 0.0;
  int count = 0;
};

/// The summary of `values` (all zeros and count 0 when empty). NaN values propagate.
MeanStd mean_std(const std::vector<double>& values);

/// 100 v with `digits` decimals in fixed notation: 0.8153 -> "81.5".
std::string format_percent(double v, int digits = 1);

/// "<mean> ± <std>" in percent (format_percent of each), or "-" when `values` is empty.
std::string format_mean_std_percent(const std::vector<double>& values, int digits = 1);

}  // namespace moezoo::report
