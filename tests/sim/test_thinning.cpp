// Thinning (sim/core/thinning.hpp) against exact probabilities: candidate
// gaps are geometric, and the weekly events of a scripted probability path,
// including weeks where it exceeds the bound, are Bernoulli(p_t) each week,
// with a split into two outcomes in proportion. Chi-square tests at the
// 0.999 quantile, and a check that the same test rejects probabilities 20%
// off (so passing is not for want of power).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sim/core/random.hpp"
#include "sim/core/thinning.hpp"
#include "tests/common/chi_square.hpp"

namespace pledgesim::sim {
namespace {

using test_util::chi2_quantile_999;

TEST(Thinning, GapsAreGeometricWithTheBound) {
  const ThinnedProcess process(0.05);
  const RandomStreams streams(11, 1);
  constexpr int kDraws = 400000, kCells = 60;
  std::vector<double> observed(kCells + 1, 0.0);  // gaps 1..kCells, then the tail
  for (int k = 0; k < kDraws; ++k) {
    const std::uint64_t g = process.gap(u01(streams.words(0, static_cast<std::uint64_t>(k), 0)[0]));
    ASSERT_GE(g, 1u);
    ++observed[std::min<std::uint64_t>(g, kCells + 1) - 1];
  }
  double stat = 0, tail = 1;
  for (int g = 1; g <= kCells + 1; ++g) {
    const double p = g <= kCells ? std::pow(0.95, g - 1) * 0.05 : tail;
    tail -= g <= kCells ? p : 0;
    const double expected = kDraws * p;
    stat += (observed[g - 1] - expected) * (observed[g - 1] - expected) / expected;
  }
  EXPECT_LT(stat, chi2_quantile_999(kCells));
  EXPECT_EQ(process.gap(1.0), 1u);
  EXPECT_GT(process.gap(0x1p-1074), 10000u);  // the far tail stays finite
}

// Weekly counts of events (and of the first of two outcomes) over many
// independent agents against Binomial(agents, p_t) each week.
struct WeeklyCounts {
  std::vector<double> events, first;
};

WeeklyCounts simulate(const std::vector<double>& p, double bound, int agents) {
  const ThinnedProcess process(bound);
  const RandomStreams candidates(5, 1), excess(5, 2);
  WeeklyCounts c{std::vector<double>(p.size(), 0.0), std::vector<double>(p.size(), 0.0)};
  for (int a = 0; a < agents; ++a) {
    const auto agent = static_cast<std::uint64_t>(a);
    // The first candidate from a start block, then each from the last.
    std::uint64_t next = process.gap(u01(candidates.words(0, agent, 1)[3])) - 1;
    for (std::size_t t = 0; t < p.size(); ++t) {
      const bool candidate = next == t;
      double u = 1;
      if (candidate) {
        const auto w = candidates.words(t, agent, 0);
        u = u01(w[0]);
        next = t + process.gap(u01(w[1]));
      }
      const double x =
          process.point(candidate, u, p[t], [&] { return u01(excess.words(t, agent, 0)[0]); });
      if (x <= p[t]) ++c.events[t];
      if (x <= p[t] / 3) ++c.first[t];
    }
  }
  return c;
}

double binomial_chi2(const std::vector<double>& observed, const std::vector<double>& p, int n) {
  double stat = 0;
  for (std::size_t t = 0; t < p.size(); ++t) {
    if (p[t] <= 0) continue;
    const double expected = n * p[t], variance = n * p[t] * (1 - p[t]);
    if (variance <= 0) continue;
    stat += (observed[t] - expected) * (observed[t] - expected) / variance;
  }
  return stat;
}

TEST(Thinning, WeeklyEventsMatchAScriptedProbabilityPathAboveAndBelowTheBound) {
  constexpr double kBound = 0.01;
  constexpr int kAgents = 200000;
  // Rising and falling, below the bound, at it, above it (up to 8x), zero.
  std::vector<double> p;
  for (int t = 0; t < 52; ++t) p.push_back(0.002 + 0.0015 * (t % 13) * (t < 26 ? 1 : 4));
  p[30] = 0;
  p[31] = kBound;
  p[32] = 0.5;
  const WeeklyCounts c = simulate(p, kBound, kAgents);
  int above = 0;
  for (double q : p) above += q > kBound;
  ASSERT_GE(above, 10);  // the excess path is exercised
  EXPECT_EQ(c.events[30], 0);
  std::size_t cells = 0;
  for (double q : p) cells += q > 0 && q < 1;
  const double limit = chi2_quantile_999(static_cast<double>(cells));
  EXPECT_LT(binomial_chi2(c.events, p, kAgents), limit);
  std::vector<double> third(p.size());
  for (std::size_t t = 0; t < p.size(); ++t) third[t] = p[t] / 3;
  EXPECT_LT(binomial_chi2(c.first, third, kAgents), limit);

  // The same statistic with probabilities 20% off rejects.
  std::vector<double> off(p.size());
  for (std::size_t t = 0; t < p.size(); ++t) off[t] = std::min(1.0, 1.2 * p[t]);
  EXPECT_GT(binomial_chi2(c.events, off, kAgents), limit);
}

TEST(Thinning, CertainEventsHappenEveryWeek) {
  const ThinnedProcess process(0.02);
  for (bool candidate : {false, true})
    for (double v : {1e-9, 0.3, 1.0})
      EXPECT_LE(process.point(candidate, v, 1.0, [&] { return v; }), 1.0);
}

}  // namespace
}  // namespace pledgesim::sim
