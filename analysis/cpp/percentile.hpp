// Percentile bootstrap bounds: the (1 - level) / 2 and (1 + level) / 2
// quantiles of a bootstrap distribution, by linear interpolation between
// order statistics (Hyndman & Fan type 7, numpy's default), shared by the
// sensitivity estimators.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

namespace pledgesim::analysis {

// Quantile q of `sorted` (ascending); NaN when it is empty.
inline double sorted_quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// The central `level` interval of `values` (sorted in place).
inline std::pair<double, double> percentile_bounds(std::vector<double>& values, double level) {
  std::sort(values.begin(), values.end());
  return {sorted_quantile(values, (1 - level) / 2), sorted_quantile(values, (1 + level) / 2)};
}

}  // namespace pledgesim::analysis
