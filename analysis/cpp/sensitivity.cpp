#include "analysis/cpp/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>

#include "analysis/cpp/percentile.hpp"
#include "sim/core/random.hpp"

namespace pledgesim::analysis {

namespace {

constexpr std::uint64_t kPurposeBootstrap = 0x736f62'626f6fULL;  // "sob" "boo"
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_outcomes(const Design& d, std::span<const double> y, DesignKind want, const char* who) {
  if (d.kind != want)
    throw std::invalid_argument(std::string(who) + " needs a " + design_kind_name(want) +
                                " design, not " + design_kind_name(d.kind));
  if (d.dimensions == 0 || d.unit.size() % d.dimensions != 0)
    throw std::invalid_argument(std::string(who) + ": the design has no dimensions or a ragged " +
                                "unit matrix");
  if (y.size() != d.points())
    throw std::invalid_argument(std::string(who) + ": " + std::to_string(y.size()) +
                                " outcomes for " + std::to_string(d.points()) + " design points");
  for (std::size_t i = 0; i < y.size(); ++i)
    if (!std::isfinite(y[i]))
      throw std::invalid_argument(std::string(who) + ": the outcome at design point " +
                                  std::to_string(i) + " is not finite");
}

}  // namespace

MorrisResult morris_effects(const Design& d, std::span<const double> y) {
  check_outcomes(d, y, DesignKind::morris, "morris_effects");
  const std::size_t k = d.dimensions, r = d.samples;
  if (r == 0 || d.points() != r * (k + 1))
    throw std::invalid_argument("morris_effects: " + std::to_string(d.points()) +
                                " points is not trajectories * (dimensions + 1) = " +
                                std::to_string(r) + " * " + std::to_string(k + 1));
  std::vector<double> ee(k * r);  // [dimension][trajectory]
  std::vector<char> seen(k);
  for (std::size_t t = 0; t < r; ++t) {
    std::fill(seen.begin(), seen.end(), 0);
    for (std::size_t m = 0; m < k; ++m) {
      const std::size_t p0 = t * (k + 1) + m, p1 = p0 + 1;
      std::size_t moved = k;
      for (std::size_t c = 0; c < k; ++c) {
        if (d.at(p1, c) == d.at(p0, c)) continue;
        if (moved != k)
          throw std::invalid_argument("morris_effects: design points " + std::to_string(p0) +
                                      " and " + std::to_string(p1) +
                                      " differ in more than one coordinate");
        moved = c;
      }
      if (moved == k || seen[moved])
        throw std::invalid_argument(
            "morris_effects: trajectory " + std::to_string(t) +
            (moved == k
                 ? " repeats a point (rows " + std::to_string(p0) + ", " + std::to_string(p1) + ")"
                 : " moves dimension " + std::to_string(moved) + " twice"));
      seen[moved] = 1;
      const double delta = d.at(p1, moved) - d.at(p0, moved);
      ee[moved * r + t] = (y[p1] - y[p0]) / delta;
    }
  }
  MorrisResult out;
  out.trajectories = r;
  out.mu.resize(k);
  out.mu_star.resize(k);
  out.sigma.resize(k);
  for (std::size_t j = 0; j < k; ++j) {
    const double* e = &ee[j * r];
    double sum = 0, sum_abs = 0;
    for (std::size_t t = 0; t < r; ++t) {
      sum += e[t];
      sum_abs += std::abs(e[t]);
    }
    const double mean = sum / static_cast<double>(r);
    double ss = 0;
    for (std::size_t t = 0; t < r; ++t) ss += (e[t] - mean) * (e[t] - mean);
    out.mu[j] = mean;
    out.mu_star[j] = sum_abs / static_cast<double>(r);
    out.sigma[j] = r > 1 ? std::sqrt(ss / static_cast<double>(r - 1)) : kNaN;
  }
  return out;
}

namespace {

struct SobolEstimate {
  std::vector<double> first, total;
  double variance = 0;
};

// Estimates over the base samples idx[0..n) (or 0..n-1 when idx is empty).
// y is laid out [i][k + 2]: A_i, B_i, AB_i^(0..k-1).
void estimate(std::span<const double> y, std::size_t k, std::size_t n,
              const std::vector<std::size_t>& idx, SobolEstimate& out) {
  const std::size_t stride = k + 2;
  auto base = [&](std::size_t s) { return (idx.empty() ? s : idx[s]) * stride; };
  double mean = 0;
  for (std::size_t s = 0; s < n; ++s) mean += y[base(s)] + y[base(s) + 1];
  mean /= static_cast<double>(2 * n);
  double ss = 0;
  std::fill(out.first.begin(), out.first.end(), 0.0);
  std::fill(out.total.begin(), out.total.end(), 0.0);
  for (std::size_t s = 0; s < n; ++s) {
    const double* row = &y[base(s)];
    const double fa = row[0], fb = row[1];
    ss += (fa - mean) * (fa - mean) + (fb - mean) * (fb - mean);
    for (std::size_t j = 0; j < k; ++j) {
      const double fab = row[2 + j];
      out.first[j] += (fb - mean) * (fab - fa);  // centred: invariant to a shift of y
      out.total[j] += (fa - fab) * (fa - fab);
    }
  }
  out.variance = 2 * n > 1 ? ss / static_cast<double>(2 * n - 1) : 0.0;
  for (std::size_t j = 0; j < k; ++j) {
    out.first[j] = out.first[j] / static_cast<double>(n) / out.variance;
    out.total[j] = out.total[j] / static_cast<double>(2 * n) / out.variance;
  }
}

}  // namespace

SobolResult sobol_indices(const Design& d, std::span<const double> y, std::size_t bootstrap,
                          double level, std::uint64_t seed) {
  check_outcomes(d, y, DesignKind::saltelli, "sobol_indices");
  const std::size_t k = d.dimensions, n = d.samples;
  if (n == 0 || d.points() != n * (k + 2))
    throw std::invalid_argument("sobol_indices: " + std::to_string(d.points()) +
                                " points is not base samples * (dimensions + 2) = " +
                                std::to_string(n) + " * " + std::to_string(k + 2));
  if (!(level > 0 && level < 1))
    throw std::invalid_argument("sobol_indices: level must lie strictly between 0 and 1");
  // The pick-freeze structure the estimators rely on.
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t a = i * (k + 2), b = a + 1;
    for (std::size_t j = 0; j < k; ++j)
      for (std::size_t c = 0; c < k; ++c)
        if (d.at(a + 2 + j, c) != (c == j ? d.at(b, c) : d.at(a, c)))
          throw std::invalid_argument(
              "sobol_indices: design point " + std::to_string(a + 2 + j) + " is not AB_" +
              std::to_string(i) + "^(" + std::to_string(j) +
              ") (A_i with column j from B_i): not a Saltelli design in the documented order");
  }

  SobolEstimate est{std::vector<double>(k), std::vector<double>(k), 0};
  estimate(y, k, n, {}, est);
  SobolResult out;
  out.first = est.first;
  out.total = est.total;
  out.variance = est.variance;
  out.base_samples = n;
  out.first_lo.assign(k, kNaN);
  out.first_hi.assign(k, kNaN);
  out.total_lo.assign(k, kNaN);
  out.total_hi.assign(k, kNaN);
  if (est.variance <= 0) {
    // A constant outcome: no variance to apportion.
    std::fill(out.first.begin(), out.first.end(), kNaN);
    std::fill(out.total.begin(), out.total.end(), kNaN);
    return out;
  }
  if (bootstrap == 0) return out;

  const sim::RandomStreams streams(seed, kPurposeBootstrap);
  std::vector<std::size_t> idx(n);
  std::vector<double> first_b(k * bootstrap), total_b(k * bootstrap);  // [j][b]
  SobolEstimate rep{std::vector<double>(k), std::vector<double>(k), 0};
  std::size_t kept = 0;
  for (std::size_t b = 0; b < bootstrap; ++b) {
    sim::AgentDraws draws(streams, b, 0);
    for (auto& i : idx) i = draws.below(n);
    estimate(y, k, n, idx, rep);
    if (!(rep.variance > 0)) continue;  // a degenerate resample (all one value)
    for (std::size_t j = 0; j < k; ++j) {
      first_b[j * bootstrap + kept] = rep.first[j];
      total_b[j * bootstrap + kept] = rep.total[j];
    }
    ++kept;
  }
  if (kept == 0) return out;
  std::vector<double> v(kept);
  for (std::size_t j = 0; j < k; ++j) {
    std::copy_n(&first_b[j * bootstrap], kept, v.begin());
    std::tie(out.first_lo[j], out.first_hi[j]) = percentile_bounds(v, level);
    std::copy_n(&total_b[j * bootstrap], kept, v.begin());
    std::tie(out.total_lo[j], out.total_hi[j]) = percentile_bounds(v, level);
  }
  return out;
}

}  // namespace pledgesim::analysis
