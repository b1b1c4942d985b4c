#include "analysis/cpp/intervals.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace pledgesim::analysis {

namespace {

// Continued fraction of the incomplete beta function (modified Lentz).
double beta_cf(double a, double b, double x) {
  constexpr double tiny = 1e-300;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 1000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a - 1.0 + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < 1e-15) break;
  }
  return h;
}

// Regularised incomplete beta function I_x(a, b).
double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double ln_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1.0) / (a + b + 2.0)) return std::exp(ln_front) * beta_cf(a, b, x) / a;
  return 1.0 - std::exp(ln_front) * beta_cf(b, a, 1.0 - x) / b;
}

}  // namespace

double student_t_cdf(double t, double df) {
  if (!(df > 0)) throw std::invalid_argument("student_t_cdf: df must be positive");
  const double tail = 0.5 * incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
  return t >= 0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, double df) {
  if (!(p > 0 && p < 1)) throw std::invalid_argument("student_t_quantile: p must be in (0, 1)");
  if (!(df > 0)) throw std::invalid_argument("student_t_quantile: df must be positive");
  if (p < 0.5) return -student_t_quantile(1.0 - p, df);
  if (p == 0.5) return 0.0;
  double lo = 0.0, hi = 1.0;
  while (student_t_cdf(hi, df) < p) hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
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
