#include "analysis/cpp/intervals.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace pledgesim::analysis {

double student_t_cdf(double t, double df) {
  if (!(df > 0)) throw std::invalid_argument("student_t_cdf: df must be positive");
  return boost::math::cdf(boost::math::students_t_distribution<double>(df), t);
}

double student_t_quantile(double p, double df) {
  if (!(p > 0 && p < 1)) throw std::invalid_argument("student_t_quantile: p must be in (0, 1)");
  if (!(df > 0)) throw std::invalid_argument("student_t_quantile: df must be positive");
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

namespace {

// m +/- t(level; n-1) s * scale(n).
Interval t_interval(std::span<const double> x, double level, double (*scale)(double n)) {
  Interval out;
  double sum = 0;
  for (double v : x)
    if (std::isfinite(v)) {
      sum += v;
      ++out.n;
    }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (out.n == 0) {
    out.mean = out.lo = out.hi = out.sd = nan;
    return out;
  }
  const double n = static_cast<double>(out.n);
  out.mean = sum / n;
  if (out.n < 2) {
    out.lo = out.hi = out.sd = nan;
    return out;
  }
  double ss = 0;
  for (double v : x)
    if (std::isfinite(v)) ss += (v - out.mean) * (v - out.mean);
  out.sd = std::sqrt(ss / (n - 1.0));
  const double half = student_t_quantile(0.5 + 0.5 * level, n - 1.0) * out.sd * scale(n);
  out.lo = out.mean - half;
  out.hi = out.mean + half;
  return out;
}

}  // namespace

Interval mean_interval(std::span<const double> x, double level) {
  return t_interval(x, level, [](double n) { return 1.0 / std::sqrt(n); });
}

Interval prediction_interval(std::span<const double> x, double level) {
  return t_interval(x, level, [](double n) { return std::sqrt(1.0 + 1.0 / n); });
}

std::optional<IntervalKind> parse_interval_kind(const std::string& name) {
  if (name == "mean") return IntervalKind::kMean;
  if (name == "prediction") return IntervalKind::kPrediction;
  return std::nullopt;
}

std::string interval_kind_name(IntervalKind kind) {
  return kind == IntervalKind::kMean ? "mean" : "prediction";
}

Interval interval_of(IntervalKind kind, std::span<const double> x, double level) {
  return kind == IntervalKind::kMean ? mean_interval(x, level) : prediction_interval(x, level);
}

std::string interval_name(IntervalKind kind) {
  return kind == IntervalKind::kMean ? "90% confidence interval of the mean"
                                     : "90% prediction interval";
}

std::string interval_scope(IntervalKind kind, bool parameters) {
  if (!parameters) return "chance only";
  return kind == IntervalKind::kPrediction
             ? "parameters and chance"
             : "the average over the parameter sets and chance, not their spread";
}

}  // namespace pledgesim::analysis
