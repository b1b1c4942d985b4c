// Student t quantiles against published values, and the t-interval of a mean.
#include "analysis/cpp/intervals.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace pledgesim::analysis {
namespace {

TEST(StudentT, QuantilesMatchTables) {
  // 95th percentiles (two-sided 90%), e.g. NIST/SEMATECH e-Handbook table 1.4.2.
  EXPECT_NEAR(student_t_quantile(0.95, 1), 6.313751515, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.95, 2), 2.919985580, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.95, 4), 2.131846786, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.95, 9), 1.833112933, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.95, 29), 1.699127027, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 10), 2.228138852, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.95, 1e7), 1.644853627, 1e-6);  // the normal's
  EXPECT_NEAR(student_t_quantile(0.05, 4), -2.131846786, 1e-8);
  EXPECT_EQ(student_t_quantile(0.5, 3), 0.0);
  EXPECT_NEAR(student_t_cdf(student_t_quantile(0.9, 6), 6), 0.9, 1e-12);
  EXPECT_THROW(student_t_quantile(1.0, 3), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(0.9, 0), std::invalid_argument);
}

TEST(MeanInterval, KnownVariance) {
  // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7.
  const std::vector<double> x = {2, 4, 4, 4, 5, 5, 7, 9};
  const Interval iv = mean_interval(x);
  const double half = 1.894578605 * std::sqrt(32.0 / 7.0) / std::sqrt(8.0);  // t(0.95; 7)
  EXPECT_EQ(iv.n, 8u);
  EXPECT_DOUBLE_EQ(iv.mean, 5.0);
  EXPECT_NEAR(iv.sd, std::sqrt(32.0 / 7.0), 1e-12);
  EXPECT_NEAR(iv.lo, 5.0 - half, 1e-8);
  EXPECT_NEAR(iv.hi, 5.0 + half, 1e-8);
  EXPECT_TRUE(iv.excludes_zero());
}

TEST(MeanInterval, FewValuesAndNaN) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> one = {3.5};
  const Interval a = mean_interval(one);
  EXPECT_EQ(a.n, 1u);
  EXPECT_EQ(a.mean, 3.5);
  EXPECT_TRUE(std::isnan(a.lo) && std::isnan(a.hi));
  EXPECT_FALSE(a.defined());
  EXPECT_FALSE(a.excludes_zero());
  // NaN values (undefined indicators) are left out.
  const std::vector<double> some = {1, nan, 3};
  const Interval b = mean_interval(some);
  EXPECT_EQ(b.n, 2u);
  EXPECT_EQ(b.mean, 2.0);
  EXPECT_NEAR(b.hi - b.mean, 6.313751515 * std::sqrt(2.0) / std::sqrt(2.0), 1e-8);
  // An interval straddling zero is not flagged.
  const std::vector<double> zero = {-2, -1, 0, 1, 2};
  EXPECT_FALSE(mean_interval(zero).excludes_zero());
  EXPECT_TRUE(mean_interval(zero).defined());
}

TEST(PredictionInterval, FollowsTheFormula) {
  // Same data: mean 5, s^2 = 32/7; half-width t(0.95; 7) s sqrt(1 + 1/8).
  const std::vector<double> x = {2, 4, 4, 4, 5, 5, 7, 9};
  const Interval iv = prediction_interval(x);
  const double half = 1.894578605 * std::sqrt(32.0 / 7.0) * std::sqrt(1.0 + 1.0 / 8.0);
  EXPECT_EQ(iv.n, 8u);
  EXPECT_DOUBLE_EQ(iv.mean, 5.0);
  EXPECT_NEAR(iv.lo, 5.0 - half, 1e-8);
  EXPECT_NEAR(iv.hi, 5.0 + half, 1e-8);
  // Exactly sqrt(n + 1) times the mean interval's half-width.
  const Interval m = mean_interval(x);
  EXPECT_NEAR(iv.hi - iv.mean, (m.hi - m.mean) * 3.0, 1e-12);
  EXPECT_EQ(interval_of(IntervalKind::kPrediction, x).hi, iv.hi);
  EXPECT_EQ(interval_of(IntervalKind::kMean, x).hi, m.hi);
  // Undefined below two values, NaN left out, as the mean interval.
  const std::vector<double> one = {3.5, std::numeric_limits<double>::quiet_NaN()};
  EXPECT_FALSE(prediction_interval(one).defined());
  EXPECT_EQ(prediction_interval(one).mean, 3.5);
}

TEST(PredictionInterval, AtLeastAsWideAsTheMeanInterval) {
  // Any data, any n >= 2: sqrt(1 + 1/n) >= 1/sqrt(n), equal only at s = 0.
  std::uint64_t state = 12345;
  auto next = [&] {  // a small LCG: the test needs spread, not quality
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  for (std::size_t n = 2; n < 40; ++n) {
    std::vector<double> x(n);
    for (double& v : x) v = 100 * next() - 30;
    const Interval p = prediction_interval(x), m = mean_interval(x);
    EXPECT_EQ(p.mean, m.mean);
    EXPECT_LE(p.lo, m.lo) << n;
    EXPECT_GE(p.hi, m.hi) << n;
    EXPECT_GT(p.hi - p.lo, m.hi - m.lo) << n;
  }
  const std::vector<double> constant = {2, 2, 2};
  EXPECT_EQ(prediction_interval(constant).hi, 2.0);
}

TEST(IntervalKind, NamesAndDefaults) {
  EXPECT_EQ(parse_interval_kind("mean"), IntervalKind::kMean);
  EXPECT_EQ(parse_interval_kind("prediction"), IntervalKind::kPrediction);
  EXPECT_FALSE(parse_interval_kind("confidence").has_value());
  EXPECT_EQ(interval_kind_name(IntervalKind::kPrediction), "prediction");
  EXPECT_EQ(default_interval_kind(true), IntervalKind::kPrediction);
  EXPECT_EQ(default_interval_kind(false), IntervalKind::kMean);
  EXPECT_EQ(interval_scope(IntervalKind::kPrediction, true), "parameters and chance");
  EXPECT_EQ(interval_scope(IntervalKind::kMean, false), "chance only");
}

}  // namespace
}  // namespace pledgesim::analysis
