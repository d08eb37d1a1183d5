#pragma once
/// Axis tick positions on "nice" values (1-2-5 steps) and their labels.

#include <string>
#include <vector>

namespace moezoo::report {

/// Multiples of the smallest step in {1, 2, 5} x 10^k that lie in [lo, hi] and number
/// at most `max_ticks` (raised to 2); one more when that step would leave a single tick.
/// One tick {lo} when lo == hi; none when lo > hi or either is not finite.
std::vector<double> linear_ticks(double lo, double hi, int max_ticks);

/// Ticks for a log axis over [lo, hi] (both > 0): powers of ten, thinned to every 2nd,
/// 3rd, 5th... decade when there are too many, or with 2x and 5x added when the range
/// spans few decades; falls back to linear_ticks() inside a single decade.
std::vector<double> log_ticks(double lo, double hi, int max_ticks);

/// Labels for linear ticks, sharing one style so they line up: decimals that match the
/// step ("0.5", "1.0", "1.5"), a k/M suffix from 10^4 up ("10k", "2.5M"), and
/// scientific notation for tiny or huge values ("2e-4", "3e9").
std::vector<std::string> linear_tick_labels(const std::vector<double>& ticks);

/// Labels for log ticks: each value in short form ("0.001", "1", "100", "1e4", "2e-5").
std::vector<std::string> log_tick_labels(const std::vector<double>& ticks);

}  // namespace moezoo::report
