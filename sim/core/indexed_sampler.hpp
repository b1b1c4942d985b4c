// Sampling an index from cumulative weights in O(1) expected time, with
// exactly the result of the binary search
//
//   if (cdf.empty() || cdf.back() <= 0) return -1;
//   it = std::upper_bound(cdf.begin(), cdf.end(), u * cdf.back());
//   return it == cdf.end() ? -1 : it - cdf.begin();
//
// for every u (the same x = u * total, the same comparisons x < cdf[i]), so
// that replacing one with the other changes no run. Indexed search (Chen and
// Asau 1974): K buckets over [0, total) and, for each, where its linear scan
// may start.
//
// Why the guide never skips the answer, floating point included: the bucket
// of a value is b(v) = trunc(clamp(v * scale, 0, K - 1)), a nondecreasing
// function of v (a rounded product by a positive constant, a clamp and a
// truncation are each nondecreasing). guide[k] is the first i with
// b(cdf[i]) >= k, computed with that same b. For a query x with b(x) = k,
// every i < guide[k] has b(cdf[i]) < b(x), hence cdf[i] < x (were cdf[i] >= x,
// monotonicity would give b(cdf[i]) >= b(x)). So the answer, the first i with
// x < cdf[i], is at or after guide[k], and a forward scan from there finds it.
// The scan needs no bound check: it runs only for x < total = cdf[E - 1], so
// it stops at E - 1 at the latest. Neither argument depends on how well
// `scale` spreads the values over the buckets, so a table whose total makes
// K / total overflow (or is infinite) stays exact with any positive finite
// scale, only slower.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace pledgesim::sim {

// `tables()` samplers over `entries()` cumulative weights each, in three
// contiguous arrays, so that many of them (one per zone, say) are rebuilt
// without allocating once the buffers have grown to size.
class IndexedSamplerTables {
 public:
  // Buckets per entry: the expected scan is about 1 + 1 / kBucketsPerEntry steps.
  static constexpr std::size_t kBucketsPerEntry = 2;

  IndexedSamplerTables() = default;
  IndexedSamplerTables(std::size_t tables, std::size_t entries) { reset(tables, entries); }

  // Every table empty (sample() gives -1) until built. Keeps the capacity.
  void reset(std::size_t tables, std::size_t entries) {
    entries_ = entries;
    buckets_ = std::max<std::size_t>(1, entries * kBucketsPerEntry);
    last_bucket_ = static_cast<double>(buckets_ - 1);
    assert(buckets_ <= std::numeric_limits<std::uint32_t>::max());
    cdf_.resize(tables * entries_);
    guide_.resize(tables * buckets_);
    params_.assign(tables, Params{});
  }

  // Table `table` from cumulative weights: cdf.size() == entries(),
  // nondecreasing and without NaN (as std::upper_bound requires). O(E + K).
  void build(std::size_t table, std::span<const double> cdf) {
    assert(table < tables() && cdf.size() == entries_);
    assert(std::is_sorted(cdf.begin(), cdf.end()));
    Params& p = params_[table];
    // A total of 0 makes sample() return -1 for every u (x = u * 0 is never below 0).
    if (cdf.empty() || !(cdf.back() > 0)) {
      p = Params{};
      return;
    }
    double* c = cdf_.data() + table * entries_;
    std::uint32_t* g = guide_.data() + table * buckets_;
    std::copy(cdf.begin(), cdf.end(), c);
    p.total = cdf.back();
    p.scale = static_cast<double>(buckets_) / p.total;
    if (!(p.scale <= std::numeric_limits<double>::max()))
      p.scale = std::numeric_limits<double>::max();
    if (!(p.scale > 0)) p.scale = 1.0;  // an infinite total
    std::size_t k = 0;
    for (std::size_t i = 0; i < entries_; ++i) {
      const std::size_t b = bucket(c[i], p.scale);
      while (k <= b) g[k++] = static_cast<std::uint32_t>(i);
    }
    // Buckets above that of the total hold only x > total, which sample()
    // answers before the scan; any in-range start will do.
    while (k < buckets_) g[k++] = static_cast<std::uint32_t>(entries_ - 1);
  }

  // All tables from one array of tables() * entries() cumulative weights, table by table.
  void build_all(std::span<const double> cdfs) {
    assert(cdfs.size() == tables() * entries_);
    for (std::size_t t = 0; t < tables(); ++t) build(t, cdfs.subspan(t * entries_, entries_));
  }

  // The first i with u * total < cdf[i], or -1 if there is none or the table is empty.
  int sample(std::size_t table, double u) const {
    const Params& p = params_[table];
    const double x = u * p.total;
    // x >= total (u = 1 included) or NaN: no entry exceeds it. x is finite below.
    if (!(x < p.total)) return -1;
    const double* c = cdf_.data() + table * entries_;
    std::size_t i = guide_[table * buckets_ + bucket(x, p.scale)];
    while (!(x < c[i])) ++i;
    return static_cast<int>(i);
  }

  // The table's total weight; 0 for an empty table or a total <= 0.
  double total(std::size_t table) const { return params_[table].total; }
  std::size_t tables() const { return params_.size(); }
  std::size_t entries() const { return entries_; }

 private:
  struct Params {
    double total = 0;
    double scale = 1;
  };

  // Nondecreasing in v (see the top of the file); NaN goes to bucket 0.
  std::size_t bucket(double v, double scale) const {
    return static_cast<std::size_t>(std::min(std::max(0.0, v * scale), last_bucket_));
  }

  std::size_t entries_ = 0;
  std::size_t buckets_ = 1;
  double last_bucket_ = 0;
  std::vector<double> cdf_;           // tables x entries
  std::vector<std::uint32_t> guide_;  // tables x buckets
  std::vector<Params> params_;
};

}  // namespace pledgesim::sim
