#include "core/report/ticks.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/report/number_format.h"

namespace moezoo::report {
namespace {

using Strings = std::vector<std::string>;

void expect_near_all(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12 * (1 + std::fabs(want[i])));
}

// The mantissa of a step must be 1, 2 or 5.
bool is_nice_step(double step) {
  const double m = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
  return std::fabs(m - 1) < 1e-6 || std::fabs(m - 2) < 1e-6 || std::fabs(m - 5) < 1e-6;
}

TEST(Ticks, LinearTicksUseOneTwoFiveSteps) {
  expect_near_all(linear_ticks(0, 1, 6), {0, 0.2, 0.4, 0.6, 0.8, 1.0});
  expect_near_all(linear_ticks(-0.13, 2.9, 8), {0, 0.5, 1.0, 1.5, 2.0, 2.5});
  expect_near_all(linear_ticks(0, 5000, 6), {0, 1000, 2000, 3000, 4000, 5000});
  expect_near_all(linear_ticks(0.1, 9, 3), {2, 4, 6, 8});  // step 5 would leave only 5
  for (double lo : {-7.3, 0.0, 1e-5, 123.4}) {
    for (double span : {1e-4, 0.37, 9.0, 12345.0}) {
      for (int n : {3, 5, 8, 12}) {
        const auto t = linear_ticks(lo, lo + span, n);
        ASSERT_GE(t.size(), 2u) << lo << " " << span << " " << n;
        EXPECT_LE(static_cast<int>(t.size()), n + 1);  // n + 1 only where n would leave one tick
        EXPECT_GE(t.front(), lo - 1e-9 * span);
        EXPECT_LE(t.back(), lo + span + 1e-9 * span);
        EXPECT_TRUE(is_nice_step(t[1] - t[0])) << t[1] - t[0];
      }
    }
  }
  EXPECT_TRUE(linear_ticks(NAN, 1, 5).empty());
  EXPECT_EQ(linear_ticks(3, 3, 5), std::vector<double>{3});
}

TEST(Ticks, LogTicksArePowersOfTenOrOneTwoFive) {
  expect_near_all(log_ticks(1e-6, 1e-2, 8), {1e-6, 1e-5, 1e-4, 1e-3, 1e-2});
  expect_near_all(log_ticks(0.9, 120, 10), {1, 2, 5, 10, 20, 50, 100});
  const auto wide = log_ticks(1e-12, 1e12, 6);
  ASSERT_GE(wide.size(), 2u);
  EXPECT_LE(wide.size(), 6u);
  for (std::size_t i = 1; i < wide.size(); ++i) {
    EXPECT_NEAR(std::log10(wide[i] / wide[i - 1]), std::log10(wide[1] / wide[0]), 1e-9);  // evenly spaced
  }
  const auto narrow = log_ticks(2.1, 2.9, 6);  // inside one decade: linear fallback
  ASSERT_GE(narrow.size(), 2u);
  for (double t : narrow) EXPECT_TRUE(t >= 2.1 && t <= 2.9);
  EXPECT_TRUE(log_ticks(-1, 10, 5).empty());
}

TEST(Ticks, LinearLabelsShareDecimalsAndUseSuffixes) {
  EXPECT_EQ(linear_tick_labels({0, 0.5, 1.0, 1.5}), (Strings{"0", "0.5", "1.0", "1.5"}));
  EXPECT_EQ(linear_tick_labels({0, 1000, 2000}), (Strings{"0", "1000", "2000"}));
  EXPECT_EQ(linear_tick_labels({0, 5000, 10000, 15000}), (Strings{"0", "5k", "10k", "15k"}));
  EXPECT_EQ(linear_tick_labels({0, 2500, 5000, 7500, 10000}), (Strings{"0", "2.5k", "5k", "7.5k", "10k"}));
  EXPECT_EQ(linear_tick_labels({0, 5e5, 1e6, 1.5e6}), (Strings{"0", "0.5M", "1M", "1.5M"}));
  EXPECT_EQ(linear_tick_labels({-0.02, 0, 0.02}), (Strings{"-0.02", "0", "0.02"}));
  EXPECT_EQ(linear_tick_labels({0, 2e-4, 4e-4}), (Strings{"0", "2e-4", "4e-4"}));
  EXPECT_EQ(linear_tick_labels({1.5e-4, 2e-4}), (Strings{"1.5e-4", "2e-4"}));
}

TEST(Ticks, LogLabelsAreCompact) {
  EXPECT_EQ(log_tick_labels({1e-4, 1e-3, 0.01, 1, 100, 1e4, 2e5}),
            (Strings{"1e-4", "0.001", "0.01", "1", "100", "1e4", "2e5"}));
}

TEST(NumberFormat, SignificantDigitsAndShortExponents) {
  EXPECT_EQ(format_number(0.123456), "0.1235");
  EXPECT_EQ(format_number(1.0), "1");
  EXPECT_EQ(format_number(-2.5), "-2.5");
  EXPECT_EQ(format_number(1500), "1500");
  EXPECT_EQ(format_number(123456.7), "123457");
  EXPECT_EQ(format_number(999.99, 4), "1000");
  EXPECT_EQ(format_number(1.5e-5), "1.5e-5");
  EXPECT_EQ(format_number(2e7), "2e7");
  EXPECT_EQ(format_number(0.001), "0.001");
  EXPECT_EQ(format_number(0.0), "0");
  EXPECT_EQ(format_number(-0.0), "0");
  EXPECT_EQ(format_number(NAN), "nan");
  EXPECT_EQ(format_number(-INFINITY), "-inf");
  EXPECT_EQ(format_number(3.14159, 2), "3.1");
  EXPECT_EQ(format_compact(12000), "1.2e4");
  EXPECT_EQ(format_compact(9999), "9999");
}

}  // namespace
}  // namespace moezoo::report
