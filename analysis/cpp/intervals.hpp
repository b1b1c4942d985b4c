// Intervals across replications.
//
// Both summarize and compare use Student's t-interval of a mean: for n finite
// values with mean m and sample standard deviation s, m +/- t(0.95; n-1) s /
// sqrt(n) is the 90% confidence interval of the mean (two-sided). compare
// applies it to the paired differences B_r - A_r of replications run on the
// same seeds (common random numbers). With fewer than two values the interval
// is undefined (NaN bounds).
#pragma once

#include <cstddef>
#include <span>

namespace pledgesim::analysis {

// Quantile of Student's t distribution with `df` > 0 degrees of freedom,
// for 0 < p < 1 (accurate to about 1e-10).
double student_t_quantile(double p, double df);
// Its distribution function.
double student_t_cdf(double t, double df);

struct Interval {
  double mean = 0;
  double lo = 0, hi = 0;  // NaN when n < 2
  double sd = 0;          // sample standard deviation (NaN when n < 2)
  std::size_t n = 0;      // finite values used (NaN values are left out)
  bool defined() const { return n >= 2; }
  // The interval excludes zero (false when undefined).
  bool excludes_zero() const { return defined() && (lo > 0 || hi < 0); }
};

inline constexpr double kIntervalLevel = 0.90;

// t-interval of the mean of the finite values of `x` at `level`.
Interval mean_interval(std::span<const double> x, double level = kIntervalLevel);

}  // namespace pledgesim::analysis
