// Tests of sim/core/random.hpp: counter-based random streams.
//
// Statistical tests use fixed seeds (so they are deterministic) and
// tolerances derived from the sampling distribution of the statistic under a
// correct generator: 4 standard errors for means, variances and correlations
// (a 1 in 15,000 chance of failing for a good generator and a fresh seed),
// and the 99.9% quantile for chi-square statistics. Each would fail by a wide
// margin for the implementation mistakes noted beside it.
#include "sim/core/random.hpp"
#include "tests/common/chi_square.hpp"

#include <gtest/gtest.h>

#include <Random123/uniform.hpp>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <numbers>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace pledgesim::sim {
namespace {

constexpr double kSigmas = 4.0;

using test_util::chi2_quantile_999;

// Pearson's chi-square statistic of `counts` against equal expected counts.
double chi_square_uniform(const std::vector<std::int64_t>& counts) {
  std::int64_t total = 0;
  for (auto c : counts) total += c;
  const double expected = static_cast<double>(total) / static_cast<double>(counts.size());
  double chi2 = 0;
  for (auto c : counts) {
    const double d = static_cast<double>(c) - expected;
    chi2 += d * d / expected;
  }
  return chi2;
}

// Bins values in (0, 1] into `bins` equal bins.
std::size_t bin_of(double u, std::size_t bins) {
  return std::min(bins - 1, static_cast<std::size_t>(u * static_cast<double>(bins)));
}

struct Moments {
  double mean = 0;
  double variance = 0;  // sample variance (n - 1)
};
Moments moments(const std::vector<double>& x) {
  Moments m;
  for (double v : x) m.mean += v;
  m.mean /= static_cast<double>(x.size());
  for (double v : x) m.variance += (v - m.mean) * (v - m.mean);
  m.variance /= static_cast<double>(x.size() - 1);
  return m;
}

// Checks that a sample of draws in (0, 1] is uniform: 100-bin chi-square.
void expect_uniform_chi_square(const std::vector<double>& u, const std::string& what) {
  constexpr std::size_t kBins = 100;
  std::vector<std::int64_t> counts(kBins, 0);
  for (double v : u) ++counts[bin_of(v, kBins)];
  const double chi2 = chi_square_uniform(counts);
  EXPECT_LT(chi2, chi2_quantile_999(kBins - 1)) << what;
}

// ---------------------------------------------------------------------------
// Reproducibility and the counter layout

TEST(RandomStreams, PhiloxKnownAnswer) {
  // Random123's published known-answer vector for Philox4x64-10 with a zero
  // key and counter: pins the generator, so that the same seed gives the
  // same run with every build of the library.
  const RandomStreams zero(0, 0);
  const auto w = zero.words(0, 0, 0);
  EXPECT_EQ(w[0], 0x16554d9eca36314cULL);
  EXPECT_EQ(w[1], 0xdb20fe9d672d0fdcULL);
  EXPECT_EQ(w[2], 0xd7e772cee186176bULL);
  EXPECT_EQ(w[3], 0x7e68b68aec7ba23bULL);
}

TEST(RandomStreams, SameKeyAndCounterGiveSameValues) {
  const RandomStreams a(20171001, 3);
  const RandomStreams b(20171001, 3);  // a separate object with the same key
  for (std::uint64_t step = 0; step < 5; ++step) {
    for (std::uint64_t agent = 0; agent < 50; ++agent) {
      AgentDraws da(a, step, agent), db(b, step, agent);
      for (int k = 0; k < 11; ++k) {
        const double x = da.uniform();
        const double y = db.uniform();
        ASSERT_EQ(x, y) << step << "/" << agent << "/" << k;
      }
      EXPECT_EQ(da.draws_used(), 11u);
    }
  }
  // words() is a pure function.
  EXPECT_EQ(a.words(7, 8, 9), a.words(7, 8, 9));
}

TEST(RandomStreams, DrawKIsLaneKMod4OfBlockKDiv4) {
  const RandomStreams s(99, 12);
  AgentDraws d(s, 17, 123456);
  for (std::uint64_t k = 0; k < 21; ++k) {
    const auto block = s.words(17, 123456, k / 4);
    const double expected = r123::u01<double>(block[static_cast<int>(k % 4)]);
    EXPECT_EQ(d.uniform(), expected) << "draw " << k;
    EXPECT_EQ(d.draws_used(), k + 1);
  }
}

TEST(RandomStreams, ValuesDoNotDependOnAccessOrder) {
  const RandomStreams s(5, 1);
  constexpr int kAgents = 64, kDraws = 10;
  // Reference: agents in order, each agent's draws in order.
  std::vector<double> ref(kAgents * kDraws);
  for (int a = 0; a < kAgents; ++a) {
    AgentDraws d(s, 2, static_cast<std::uint64_t>(a));
    for (int k = 0; k < kDraws; ++k) ref[a * kDraws + k] = d.uniform();
  }
  // Agents in reverse order, with draws interleaved across agents.
  std::vector<AgentDraws> draws;
  for (int a = kAgents - 1; a >= 0; --a) draws.emplace_back(s, 2, static_cast<std::uint64_t>(a));
  for (int k = 0; k < kDraws; ++k)
    for (int i = 0; i < kAgents; ++i) {
      const int a = kAgents - 1 - i;
      ASSERT_EQ(draws[i].uniform(), ref[a * kDraws + k]) << "agent " << a << " draw " << k;
    }
  // Other steps and other purposes drawn in between change nothing.
  AgentDraws late(s, 2, 33);
  const RandomStreams other(5, 2);
  for (int k = 0; k < kDraws; ++k) {
    AgentDraws noise(other, 2, 33);
    noise.uniform();
    AgentDraws noise2(s, 3, 33);
    noise2.uniform();
    EXPECT_EQ(late.uniform(), ref[33 * kDraws + k]);
  }
}

TEST(RandomStreams, DrawsUsedCountsEveryVariate) {
  const RandomStreams s(1, 1);
  AgentDraws d(s, 0, 0);
  d.uniform();
  d.open_uniform();
  d.bernoulli(0.5);
  d.gumbel();
  d.exponential(2.0);
  d.below(10);
  EXPECT_EQ(d.draws_used(), 6u);
  d.normal();  // Box-Muller uses two
  EXPECT_EQ(d.draws_used(), 8u);
}

// ---------------------------------------------------------------------------
// u01: the branch-free conversion gives r123::u01<double>'s bits

static_assert(u01(0) == 0x1p-65);
static_assert(u01(~std::uint64_t{0}) == 1.0);

// Compares bit patterns, so that even a difference in the sign of a zero shows.
::testing::AssertionResult same_bits(std::uint64_t w) {
  const auto mine = std::bit_cast<std::uint64_t>(u01(w));
  const auto ref = std::bit_cast<std::uint64_t>(r123::u01<double>(w));
  if (mine == ref) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << std::hex << "word 0x" << w << ": u01 bits 0x" << mine << ", r123::u01 bits 0x" << ref;
}

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

TEST(U01, MatchesRandom123OnEdgeCases) {
  constexpr std::uint64_t kTop = 1ULL << 63, kMax = ~0ULL;
  for (std::uint64_t w : std::initializer_list<std::uint64_t>{
           0ULL, 1ULL, 2ULL, (1ULL << 53) - 1, 1ULL << 53, (1ULL << 53) + 1, (1ULL << 53) + 3,
           kTop - 1, kTop, kTop + 1, kMax, kMax - 1, kMax - 1024, kMax - 1025, 0xffffffffULL,
           0x100000000ULL, 0xffffffff00000000ULL, 0x00000000ffffffffULL | kTop,
           0x00000001ffffffffULL})
    EXPECT_TRUE(same_bits(w));
  // Every power of two and its neighbours (including the words where one
  // 32-bit half is 0 or all ones).
  for (int k = 0; k < 64; ++k) {
    const std::uint64_t p = 1ULL << k;
    for (std::uint64_t w :
         std::initializer_list<std::uint64_t>{p - 1, p, p + 1, ~p, ~(p - 1), ~(p + 1)})
      EXPECT_TRUE(same_bits(w));
  }
  // Ties in the rounding to 53 bits: for words of 54 to 64 significant bits,
  // exact halfway cases (round to even, both parities of the kept bits) and
  // their neighbours, and sticky bits far below the rounding position.
  std::uint64_t state = 7;
  for (int bits = 54; bits <= 64; ++bits) {
    const int drop = bits - 53;  // low bits lost in the conversion
    for (int rep = 0; rep < 2000; ++rep) {
      const std::uint64_t mantissa = (splitmix64(state) >> 11) | (1ULL << 52);  // 53 bits
      const std::uint64_t kept = mantissa << drop;
      const std::uint64_t half = 1ULL << (drop - 1);
      for (std::uint64_t w : std::initializer_list<std::uint64_t>{
               kept, kept + half, kept + half - 1, kept + half + 1, kept + 1,
               kept + (half << 1) - 1, kept + (half ^ 1)})
        ASSERT_TRUE(same_bits(w));
    }
  }
}

TEST(U01, MatchesRandom123OnPhiloxAndSplitmixWords) {
  // 48M Philox words (the simulation's own) and 16M splitmix64 words: both
  // signs of the word and every rounding case occur millions of times.
  const RandomStreams s(20240601, 17);
  std::uint64_t mismatches = 0, first_bad = 0;
  const auto check = [&](std::uint64_t w) {
    if (std::bit_cast<std::uint64_t>(u01(w)) != std::bit_cast<std::uint64_t>(r123::u01<double>(w)))
      if (mismatches++ == 0) first_bad = w;
  };
  for (std::uint64_t block = 0; block < 12'000'000; ++block) {
    const auto words = s.words(3, 5, block);
    for (int k = 0; k < 4; ++k) check(words[k]);
  }
  std::uint64_t state = 12345;
  for (int i = 0; i < 16'000'000; ++i) check(splitmix64(state));
  EXPECT_EQ(mismatches, 0u) << std::hex << "first: 0x" << first_bad;
}

// ---------------------------------------------------------------------------
// Uniformity of one stream

constexpr int kN = 100000;

TEST(RandomStreams, UniformityAlongTheDrawIndex) {
  // One agent, 100,000 successive draws (25,000 counter blocks).
  const RandomStreams s(20171001, 7);
  AgentDraws d(s, 0, 0);
  std::vector<double> u(kN);
  for (auto& v : u) v = d.uniform();
  expect_uniform_chi_square(u, "draw index");
}

TEST(RandomStreams, UniformityAcrossAgents) {
  // First draw of 100,000 agents: the agent part of the counter.
  const RandomStreams s(20171001, 7);
  std::vector<double> u(kN);
  for (int a = 0; a < kN; ++a) u[a] = AgentDraws(s, 4, static_cast<std::uint64_t>(a)).uniform();
  expect_uniform_chi_square(u, "agents");
}

TEST(RandomStreams, UniformityAcrossStepsAndSeeds) {
  std::vector<double> by_step(kN), by_seed(kN), by_purpose(kN);
  const RandomStreams s(3, 3);
  for (int i = 0; i < kN; ++i) {
    const auto k = static_cast<std::uint64_t>(i);
    by_step[i] = AgentDraws(s, k, 11).uniform();
    by_seed[i] = AgentDraws(RandomStreams(k, 3), 5, 11).uniform();
    by_purpose[i] = AgentDraws(RandomStreams(3, k), 5, 11).uniform();
  }
  expect_uniform_chi_square(by_step, "steps");
  expect_uniform_chi_square(by_seed, "seeds");
  expect_uniform_chi_square(by_purpose, "purposes");
}

TEST(RandomStreams, UniformIsInHalfOpenUnitIntervalWithRightMoments) {
  const RandomStreams s(42, 0);
  std::vector<double> u;
  u.reserve(kN);
  for (int a = 0; a < kN / 4; ++a) {
    AgentDraws d(s, 0, static_cast<std::uint64_t>(a));
    for (int k = 0; k < 4; ++k) u.push_back(d.uniform());
  }
  for (double v : u) {
    ASSERT_GT(v, 0.0);
    ASSERT_LE(v, 1.0);
    ASSERT_TRUE(std::isfinite(std::log(v)));
  }
  const Moments m = moments(u);
  const double n = static_cast<double>(u.size());
  // Mean 1/2 with SE sqrt(1/12 / n); variance 1/12 with SE sqrt((mu4 - sigma^4) / n),
  // mu4 = 1/80 for the uniform distribution.
  EXPECT_NEAR(m.mean, 0.5, kSigmas * std::sqrt(1.0 / 12.0 / n));
  EXPECT_NEAR(m.variance, 1.0 / 12.0, kSigmas * std::sqrt((1.0 / 80.0 - 1.0 / 144.0) / n));
}

TEST(RandomStreams, OpenUniformIsStrictlyInsideTheUnitInterval) {
  const RandomStreams s(42, 1);
  for (int a = 0; a < kN / 4; ++a) {
    AgentDraws d(s, 0, static_cast<std::uint64_t>(a));
    AgentDraws same(s, 0, static_cast<std::uint64_t>(a));
    for (int k = 0; k < 4; ++k) {
      const double u = d.open_uniform();
      ASSERT_GT(u, 0.0);
      ASSERT_LT(u, 1.0);
      ASSERT_TRUE(std::isfinite(-std::log(-std::log(u))));
      // It is the same draw as uniform() whenever that is below 1.
      const double v = same.uniform();
      if (v < 1.0) {
        ASSERT_EQ(u, v);
      }
    }
  }
  // The largest double below 1 still gives a finite Gumbel variate.
  EXPECT_TRUE(std::isfinite(-std::log(-std::log(0x1.fffffffffffffp-1))));
}

// ---------------------------------------------------------------------------
// Independence of streams that differ in one part of the key or counter.
//
// For n independent pairs of uniforms, the sample correlation has standard
// error 1/sqrt(n), and counts in a 10 x 10 grid of the unit square follow a
// chi-square with 99 degrees of freedom. A stream that ignored the differing
// part (seed, purpose, step, agent) would give identical pairs: correlation
// 1 and all mass on the diagonal cells, failing both checks by far; a key or
// counter built by adding or xor-ing its parts fails the "swapped" cases.

void expect_independent(const std::function<std::pair<double, double>(int)>& pair_at,
                        const std::string& what) {
  constexpr int kGrid = 10;
  std::vector<double> x(kN), y(kN);
  std::vector<std::int64_t> cells(kGrid * kGrid, 0);
  int identical = 0;
  for (int i = 0; i < kN; ++i) {
    std::tie(x[i], y[i]) = pair_at(i);
    if (x[i] == y[i]) ++identical;
    ++cells[bin_of(x[i], kGrid) * kGrid + bin_of(y[i], kGrid)];
  }
  const Moments mx = moments(x), my = moments(y);
  double cov = 0;
  for (int i = 0; i < kN; ++i) cov += (x[i] - mx.mean) * (y[i] - my.mean);
  cov /= kN - 1;
  const double r = cov / std::sqrt(mx.variance * my.variance);
  EXPECT_LT(std::abs(r), kSigmas / std::sqrt(static_cast<double>(kN))) << what << ": r = " << r;
  EXPECT_LT(chi_square_uniform(cells), chi2_quantile_999(kGrid * kGrid - 1)) << what;
  // Two 53-bit uniforms coincide with probability ~2^-53 per pair.
  EXPECT_EQ(identical, 0) << what;
}

TEST(RandomStreams, DifferentSeedsAreIndependent) {
  const RandomStreams a(1, 7), b(2, 7);
  expect_independent(
      [&](int i) {
        const auto agent = static_cast<std::uint64_t>(i);
        return std::pair{AgentDraws(a, 9, agent).uniform(), AgentDraws(b, 9, agent).uniform()};
      },
      "seed 1 vs 2");
}

TEST(RandomStreams, DifferentPurposesAreIndependent) {
  const RandomStreams a(1, 7), b(1, 8);
  expect_independent(
      [&](int i) {
        const auto agent = static_cast<std::uint64_t>(i);
        return std::pair{AgentDraws(a, 9, agent).uniform(), AgentDraws(b, 9, agent).uniform()};
      },
      "purpose 7 vs 8");
}

TEST(RandomStreams, SwappedSeedAndPurposeAreIndependent) {
  // (seed 1, purpose 2) vs (seed 2, purpose 1): equal if the key mixed its
  // parts symmetrically (sum, xor).
  const RandomStreams a(1, 2), b(2, 1);
  expect_independent(
      [&](int i) {
        const auto agent = static_cast<std::uint64_t>(i);
        return std::pair{AgentDraws(a, 9, agent).uniform(), AgentDraws(b, 9, agent).uniform()};
      },
      "seed/purpose swapped");
}

TEST(RandomStreams, DifferentStepsAreIndependent) {
  const RandomStreams s(1, 7);
  expect_independent(
      [&](int i) {
        const auto agent = static_cast<std::uint64_t>(i);
        return std::pair{AgentDraws(s, 9, agent).uniform(), AgentDraws(s, 10, agent).uniform()};
      },
      "step 9 vs 10");
}

TEST(RandomStreams, DifferentAgentsAreIndependent) {
  const RandomStreams s(1, 7);
  expect_independent(
      [&](int i) {
        const auto agent = static_cast<std::uint64_t>(i);
        return std::pair{AgentDraws(s, 9, 2 * agent).uniform(),
                         AgentDraws(s, 9, 2 * agent + 1).uniform()};
      },
      "agent 2i vs 2i+1");
}

TEST(RandomStreams, SwappedStepAndAgentAreIndependent) {
  const RandomStreams s(1, 7);
  expect_independent(
      [&](int i) {
        const auto j = static_cast<std::uint64_t>(i), k = j + kN;
        return std::pair{AgentDraws(s, j, k).uniform(), AgentDraws(s, k, j).uniform()};
      },
      "step/agent swapped");
}

TEST(RandomStreams, SuccessiveDrawsAreIndependent) {
  const RandomStreams s(1, 7);
  // Within a counter block (lanes 0 and 1) and across blocks (lane 3 of
  // block 0 and lane 0 of block 1).
  expect_independent(
      [&](int i) {
        AgentDraws d(s, 9, static_cast<std::uint64_t>(i));
        const double a = d.uniform();
        return std::pair{a, d.uniform()};
      },
      "draw 0 vs 1");
  expect_independent(
      [&](int i) {
        AgentDraws d(s, 9, static_cast<std::uint64_t>(i));
        for (int k = 0; k < 3; ++k) d.uniform();
        const double a = d.uniform();
        return std::pair{a, d.uniform()};
      },
      "draw 3 vs 4");
}

// ---------------------------------------------------------------------------
// Derived distributions

constexpr int kLarge = 200000;

TEST(RandomStreams, GumbelHasEulerMeanAndPiSquaredOverSixVariance) {
  const RandomStreams s(2024, 5);
  std::vector<double> g(kLarge);
  std::vector<double> cdf(kLarge);
  for (int i = 0; i < kLarge; ++i) {
    g[i] = AgentDraws(s, 1, static_cast<std::uint64_t>(i)).gumbel();
    ASSERT_TRUE(std::isfinite(g[i]));
    cdf[i] = std::exp(-std::exp(-g[i]));  // Gumbel CDF: uniform if g is Gumbel
  }
  const Moments m = moments(g);
  const double n = kLarge;
  const double var = std::numbers::pi * std::numbers::pi / 6.0;
  // SE of the mean: sqrt(var / n). SE of the sample variance:
  // sqrt((mu4 - var^2) / n) with mu4 = (3 + 12/5) var^2 (excess kurtosis 2.4).
  EXPECT_NEAR(m.mean, std::numbers::egamma, kSigmas * std::sqrt(var / n));
  EXPECT_NEAR(m.variance, var, kSigmas * var * std::sqrt(4.4 / n));
  expect_uniform_chi_square(cdf, "Gumbel CDF of gumbel()");
}

TEST(RandomStreams, NormalHasZeroMeanUnitVarianceAndNormalShape) {
  const RandomStreams s(2024, 6);
  std::vector<double> z(kLarge);
  std::vector<double> cdf(kLarge);
  for (int i = 0; i < kLarge; ++i) {
    AgentDraws d(s, 1, static_cast<std::uint64_t>(i));
    z[i] = d.normal();
    ASSERT_TRUE(std::isfinite(z[i]));
    cdf[i] = 0.5 * std::erfc(-z[i] / std::numbers::sqrt2);  // Phi(z)
  }
  const Moments m = moments(z);
  const double n = kLarge;
  // SE of the mean 1/sqrt(n); of the variance sqrt(2/n) (mu4 = 3).
  EXPECT_NEAR(m.mean, 0.0, kSigmas / std::sqrt(n));
  EXPECT_NEAR(m.variance, 1.0, kSigmas * std::sqrt(2.0 / n));
  expect_uniform_chi_square(cdf, "normal CDF of normal()");
}

TEST(RandomStreams, ExponentialHasItsMean) {
  const RandomStreams s(2024, 7);
  constexpr double kMean = 3.0;
  std::vector<double> x(kLarge);
  for (int i = 0; i < kLarge; ++i) {
    x[i] = AgentDraws(s, 1, static_cast<std::uint64_t>(i)).exponential(kMean);
    ASSERT_GE(x[i], 0.0);
    ASSERT_TRUE(std::isfinite(x[i]));
  }
  const Moments m = moments(x);
  // SD of an exponential equals its mean.
  EXPECT_NEAR(m.mean, kMean, kSigmas * kMean / std::sqrt(static_cast<double>(kLarge)));
  EXPECT_NEAR(m.variance, kMean * kMean,
              kSigmas * kMean * kMean * std::sqrt(8.0 / static_cast<double>(kLarge)));
}

TEST(RandomStreams, BernoulliHasItsProbability) {
  const RandomStreams s(2024, 8);
  constexpr double kP = 0.3;
  int hits = 0;
  for (int i = 0; i < kLarge; ++i) {
    AgentDraws d(s, 1, static_cast<std::uint64_t>(i));
    if (d.bernoulli(kP)) ++hits;
    EXPECT_FALSE(d.bernoulli(0.0));  // uniform() is never 0
    EXPECT_TRUE(d.bernoulli(1.0));   // uniform() is at most 1
  }
  const double n = kLarge;
  EXPECT_NEAR(hits / n, kP, kSigmas * std::sqrt(kP * (1 - kP) / n));
}

TEST(RandomStreams, BelowIsInRangeAndUniform) {
  const RandomStreams s(2024, 9);
  for (std::uint64_t n : {std::uint64_t{7}, std::uint64_t{100}}) {
    std::vector<std::int64_t> counts(n, 0);
    const int draws = static_cast<int>(1000 * n);  // 1000 expected per value
    for (int i = 0; i < draws; ++i) {
      const std::uint64_t v = AgentDraws(s, n, static_cast<std::uint64_t>(i)).below(n);
      ASSERT_LT(v, n);
      ++counts[v];
    }
    for (std::uint64_t v = 0; v < n; ++v) EXPECT_GT(counts[v], 0) << "value " << v << " of " << n;
    EXPECT_LT(chi_square_uniform(counts), chi2_quantile_999(static_cast<int>(n) - 1))
        << "below(" << n << ")";
  }
  // n = 1 always gives 0.
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(AgentDraws(s, 0, i).below(1), 0u);
  // A bound above 2^63 needs the full 128-bit product: the top bits of
  // below(3 * 2^62) split into thirds 0, 1 and 2.
  const std::uint64_t big = 3ULL << 62;
  std::vector<std::int64_t> thirds(3, 0);
  for (int i = 0; i < kN; ++i) {
    const std::uint64_t v = AgentDraws(s, 1, static_cast<std::uint64_t>(i)).below(big);
    ASSERT_LT(v, big);
    ++thirds[v >> 62];
  }
  EXPECT_LT(chi_square_uniform(thirds), chi2_quantile_999(2));
  // The maximum bound stays in range.
  const std::uint64_t max = ~std::uint64_t{0};
  for (int i = 0; i < 1000; ++i) EXPECT_LT(AgentDraws(s, 2, i).below(max), max);
}

}  // namespace
}  // namespace pledgesim::sim
