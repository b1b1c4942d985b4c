// Tests of sim/core/indexed_sampler.hpp: the guide-table sampler returns
// exactly what the binary search over the cumulative weights returns, for
// every cdf shape and every u, floating-point edge cases included.
#include "sim/core/indexed_sampler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "sim/core/random.hpp"

namespace pledgesim::sim {
namespace {

// The search the sampler replaces (models/market.hpp's sample()).
int reference(std::span<const double> cdf, double u) {
  if (cdf.empty() || cdf.back() <= 0) return -1;
  const auto it = std::upper_bound(cdf.begin(), cdf.end(), u * cdf.back());
  return it == cdf.end() ? -1 : static_cast<int>(it - cdf.begin());
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMin = std::numeric_limits<double>::denorm_min();

std::vector<double> cumulative(const std::vector<double>& w) {
  std::vector<double> cdf(w.size());
  double sum = 0;
  for (std::size_t i = 0; i < w.size(); ++i) cdf[i] = sum += w[i];
  return cdf;
}

// The u worth trying against one cdf: the edges of (0, 1] and beyond, a
// random stream, and the u whose x = u * total lands on or next to each
// cdf value and each bucket edge (a few ulps either side of the quotient).
std::vector<double> probes(std::span<const double> cdf, AgentDraws& draws, int random_count) {
  std::vector<double> u = {1.0,     std::nextafter(1.0, 0.0),
                           0x1p-65, 0x1p-64,
                           kMin,    0.5,
                           0.0,     -0.0,
                           -kMin,   -0.5,
                           -1.0,    1.5,
                           2.0,     kInf,
                           -kInf,   std::nan("")};
  for (int k = 0; k < random_count; ++k) u.push_back(draws.uniform());
  const auto near = [&u](double v) {
    if (!std::isfinite(v)) return;
    double lo = v, hi = v;
    u.push_back(v);
    for (int k = 0; k < 3; ++k) {
      lo = std::nextafter(lo, -kInf);
      hi = std::nextafter(hi, kInf);
      u.push_back(lo);
      u.push_back(hi);
    }
  };
  if (cdf.empty() || !(cdf.back() > 0)) return u;
  const double total = cdf.back();
  for (double c : cdf) near(c / total);
  const std::size_t buckets =
      std::max<std::size_t>(1, cdf.size() * IndexedSamplerTables::kBucketsPerEntry);
  for (std::size_t k = 0; k <= buckets; ++k)
    near(static_cast<double>(k) / static_cast<double>(buckets));
  return u;
}

// Builds a one-table sampler and a table among others on `cdf` and compares
// them with the reference at every probe; returns the number of comparisons.
std::int64_t expect_same(std::span<const double> cdf, AgentDraws& draws, int random_count,
                         const std::string& what) {
  IndexedSamplerTables one(1, cdf.size());
  one.build(0, cdf);
  IndexedSamplerTables many(3, cdf.size());
  many.build(1, cdf);
  std::int64_t n = 0;
  for (double u : probes(cdf, draws, random_count)) {
    const int want = reference(cdf, u);
    EXPECT_EQ(one.sample(0, u), want) << what << ", u = " << u;
    EXPECT_EQ(many.sample(1, u), want) << what << ", u = " << u;
    EXPECT_EQ(many.sample(0, u), -1) << "an unbuilt table is empty";
    if (one.sample(0, u) != want) return n;  // one failure per cdf is enough to read
    ++n;
  }
  return n;
}

TEST(IndexedSampler, HandWrittenEdgeCases) {
  const RandomStreams s(1, 2);
  AgentDraws d(s, 0, 0);
  const std::vector<std::vector<double>> cdfs = {
      {},                                   // no entries
      {0.0},                                // total 0
      {0.0, 0.0, 0.0},                      // all zero weights
      {-1.0, -0.5},                         // negative total
      {-0.0},                               // total -0
      {2.5},                                // a single entry
      {kMin},                               // a single subnormal
      {0.0, 0.0, 0.0, 1.0},                 // zeros at the start
      {0.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0},  // plateaus
      {1.0, 1.0, 1.0},                      // only the first weight nonzero
      {-3.0, -1.0, 0.0, 4.0},               // negative prefix, positive total
      {1e-300, 1e-300, 1e300},              // huge dynamic range
      {1e-300, 2e-300, 3e-300},             // tiny total: K / total overflows
      {kMin, 2 * kMin, 3 * kMin},           // subnormal total
      {1e300, 1.5e308, std::numeric_limits<double>::max()},
      {1.0, 2.0, kInf},   // infinite total
      {-kInf, 0.0, 1.0},  // -infinity first
      {0.1, 0.2, 0.30000000000000004, 0.4, 0.5},
  };
  for (std::size_t i = 0; i < cdfs.size(); ++i)
    expect_same(cdfs[i], d, 1000, "hand-written cdf " + std::to_string(i));
}

TEST(IndexedSampler, AgreesWithBinarySearchOnRandomCdfs) {
  // Millions of comparisons over cdfs of the market's sizes (35 to 150) and
  // others, with weights of every shape: even, heavy-tailed (log-normal with
  // a large spread, so that a few entries hold almost all the mass), zero
  // weights at the start, runs of zeros in the middle, integers (many exact
  // ties between x and a cdf value), and a range from 1e-300 to 1e300.
  const RandomStreams s(20240601, 3);
  std::int64_t comparisons = 0;
  for (std::uint64_t c = 0; c < 3000; ++c) {
    AgentDraws d(s, 1, c);
    const std::size_t sizes[] = {1, 2, 3, 35, 64, 150, 1 + d.below(200)};
    const std::size_t n = sizes[c % 7];
    const int shape = static_cast<int>(c / 7 % 6);
    std::vector<double> w(n);
    for (std::size_t i = 0; i < n; ++i) {
      switch (shape) {
        case 0:
          w[i] = d.uniform();
          break;
        case 1:
          w[i] = std::exp(6.0 * d.normal());
          break;
        case 2:
          w[i] = i < n / 3 ? 0.0 : d.uniform();
          break;
        case 3:
          w[i] = d.bernoulli(0.6) ? 0.0 : std::exp(3.0 * d.normal());
          break;
        case 4:
          w[i] = static_cast<double>(d.below(4));
          break;
        default:
          w[i] = std::pow(10.0, -300.0 + 600.0 * d.uniform());
          break;
      }
    }
    const auto cdf = cumulative(w);
    AgentDraws u_draws(s, 2, c);
    comparisons += expect_same(cdf, u_draws, 400, "random cdf " + std::to_string(c));
    if (HasFailure()) return;
  }
  EXPECT_GT(comparisons, 2'000'000);
}

TEST(IndexedSampler, CdfValuesOnBucketEdges) {
  // Where rounding matters: cdf values within a few ulps of the edges between
  // buckets (v * K / total an integer), and x within a few ulps of them. A
  // guide built with a bucket function that rounds differently from the
  // sampler's (say v / total * K against v * (K / total)) fails here.
  const RandomStreams s(11, 4);
  for (std::uint64_t c = 0; c < 1500; ++c) {
    AgentDraws d(s, 0, c);
    const std::size_t sizes[] = {1, 2, 7, 35, 150};
    const std::size_t n = sizes[c % 5];
    const double total = std::ldexp(0.5 + d.uniform(), static_cast<int>(d.below(200)) - 100);
    const double buckets = static_cast<double>(n * IndexedSamplerTables::kBucketsPerEntry);
    const double scale = buckets / total;
    std::vector<double> cdf(n);
    for (std::size_t i = 0; i + 1 < n; ++i) {
      double v = static_cast<double>(1 + d.below(static_cast<std::uint64_t>(buckets))) / scale;
      for (int k = static_cast<int>(d.below(5)) - 2; k != 0; k += k > 0 ? -1 : 1)
        v = std::nextafter(v, k > 0 ? kInf : -kInf);
      cdf[i] = std::min(v, total);
    }
    cdf[n - 1] = total;
    std::sort(cdf.begin(), cdf.end());
    AgentDraws u_draws(s, 1, c);
    expect_same(cdf, u_draws, 50, "cdf on bucket edges " + std::to_string(c));
    if (HasFailure()) return;
  }
}

TEST(IndexedSampler, TablesAreIndependentAndRebuildable) {
  // Many tables of one length in one object, as for one table per zone, built
  // one by one and all at once, then rebuilt with other weights.
  const RandomStreams s(7, 7);
  constexpr std::size_t kTables = 90, kEntries = 150;
  IndexedSamplerTables tables(kTables, kEntries), all(kTables, kEntries);
  for (int week = 0; week < 3; ++week) {
    std::vector<double> flat;
    for (std::size_t t = 0; t < kTables; ++t) {
      AgentDraws d(s, static_cast<std::uint64_t>(week), t);
      std::vector<double> w(kEntries);
      for (auto& v : w) v = t % 10 == 0 ? 0.0 : (d.bernoulli(0.3) ? 0.0 : std::exp(d.normal()));
      const auto cdf = cumulative(w);
      flat.insert(flat.end(), cdf.begin(), cdf.end());
    }
    // Built in reverse order, so that a table spilling into its neighbour shows.
    for (std::size_t t = kTables; t-- > 0;)
      tables.build(t, std::span<const double>(flat).subspan(t * kEntries, kEntries));
    all.build_all(flat);
    AgentDraws d(s, 100 + static_cast<std::uint64_t>(week), 0);
    for (int k = 0; k < 100'000; ++k) {
      const std::size_t t = d.below(kTables);
      const double u = d.uniform();
      const int want = reference(std::span<const double>(flat).subspan(t * kEntries, kEntries), u);
      ASSERT_EQ(tables.sample(t, u), want) << "week " << week << " table " << t;
      ASSERT_EQ(all.sample(t, u), want) << "week " << week << " table " << t;
    }
  }
  // A rebuilt sampler forgets its previous weights, also at another length.
  auto rebuilt = [](IndexedSamplerTables& t, std::vector<double> cdf) {
    t.reset(1, cdf.size());
    t.build(0, cdf);
  };
  IndexedSamplerTables one;
  rebuilt(one, {1.0, 2.0, 3.0, 4.0});
  EXPECT_EQ(one.sample(0, 0.3), 1);
  rebuilt(one, {0.0, 0.0});
  EXPECT_EQ(one.sample(0, 0.3), -1);
  rebuilt(one, {0.0, 5.0});
  EXPECT_EQ(one.sample(0, 0.3), 1);
  EXPECT_EQ(one.sample(0, 1.0), -1);  // x = total: no entry exceeds it
  rebuilt(one, {});
  EXPECT_EQ(one.sample(0, 0.3), -1);
  EXPECT_EQ(IndexedSamplerTables(1, 0).sample(0, 0.5), -1);
  tables.reset(4, 10);
  for (std::size_t t = 0; t < 4; ++t) EXPECT_EQ(tables.sample(t, 0.5), -1);
}

}  // namespace
}  // namespace pledgesim::sim
