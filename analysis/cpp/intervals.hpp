// Intervals across replications, of two kinds (summarize and compare
// --interval; docs/analysis.md says when each is right). For n finite values
// with mean m and sample standard deviation s:
//
//   mean:       m +/- t(0.95; n-1) s / sqrt(n), the 90% confidence interval
//               of the mean: how precisely the replications pin down the
//               expected outcome (chance only, for fixed parameters);
//   prediction: m +/- t(0.95; n-1) s sqrt(1 + 1/n), the 90% prediction
//               interval: where one more replication would fall; with
//               replications on the sets of a parameter ensemble (run
//               --parameters) it includes parameter uncertainty.
//
// compare applies them to the paired differences B_r - A_r of replications
// run on the same seeds (common random numbers) and parameter sets. With
// fewer than two values the interval is undefined (NaN bounds).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>

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
// t prediction interval of one more value like the finite values of `x`.
Interval prediction_interval(std::span<const double> x, double level = kIntervalLevel);

enum class IntervalKind { kMean, kPrediction };
std::optional<IntervalKind> parse_interval_kind(const std::string& name);  // "mean", "prediction"
std::string interval_kind_name(IntervalKind kind);
// The interval of `kind`.
Interval interval_of(IntervalKind kind, std::span<const double> x, double level = kIntervalLevel);
// The default: prediction for runs whose replications ran different
// parameter sets (the spread is then the answer), else mean.
inline IntervalKind default_interval_kind(bool parameters) {
  return parameters ? IntervalKind::kPrediction : IntervalKind::kMean;
}
// For headers: what the interval is ("90% prediction interval") and which
// uncertainty it holds ("parameters and chance"; `parameters`: the
// replications ran different parameter sets).
std::string interval_name(IntervalKind kind);
std::string interval_scope(IntervalKind kind, bool parameters);

}  // namespace pledgesim::analysis
