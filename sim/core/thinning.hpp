// Events whose weekly probability changes from week to week, drawn by
// thinning: candidate weeks come from a process of fixed weekly probability
// `bound` (geometric gaps, so a practitioner is touched only on candidate
// weeks), and a candidate week holds an event with probability p / bound.
// Where p exceeds the bound in some week, the excess (p - bound) / (1 - bound)
// is drawn in that week's non-candidate case, so the result equals a weekly
// Bernoulli(p) draw in distribution, exactly, whatever p does.
//
// The bound is a constant of the model, not of a scenario: two scenarios run
// with the same seed then share every agent's candidate weeks and the
// uniforms drawn at them (common random numbers), and differ only where
// their probabilities differ.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace pledgesim::sim {

class ThinnedProcess {
 public:
  explicit ThinnedProcess(double bound) : bound_(bound), log_miss_(std::log1p(-bound)) {}

  double bound() const { return bound_; }

  // Weeks from one candidate to the next (or from a start to the first), >= 1:
  // geometric with success probability bound(), by inversion of u in (0, 1].
  // Saturates at kFar (no run is that long).
  static constexpr std::uint64_t kFar = std::uint64_t{1} << 40;
  std::uint64_t gap(double u) const {
    const double g = std::ceil(std::log(u) / log_miss_);
    if (!(g >= 1)) return 1;  // u = 1 (log 0): the next week
    return g >= static_cast<double>(kFar) ? kFar : static_cast<std::uint64_t>(g);
  }

  // Where this week falls for an event of weekly probability p in [0, 1]: a
  // value x with P(x <= y) = y for every y <= p, as a uniform draw compared
  // with p would have, and x > p when there is no event. So "x <= p1" and
  // "p1 < x <= p1 + p2" split one event into two outcomes of probabilities
  // p1 and p2. `candidate`: whether this week is a candidate week; `u`: the
  // candidate's uniform in (0, 1]; `excess()`: a uniform in (0, 1], called
  // only where p > bound() in a week that is not a candidate.
  template <class Excess>
  double point(bool candidate, double u, double p, Excess&& excess) const {
    constexpr double kNone = std::numeric_limits<double>::infinity();
    if (p <= bound_) return candidate ? u * bound_ : kNone;
    // Above the bound a candidate week always holds an event, and the other
    // weeks hold one with probability (p - bound) / (1 - bound); given an
    // event, x is uniform on (0, p] either way.
    if (candidate) return u * p;
    const double v = excess();
    const double share = (p - bound_) / (1 - bound_);
    return v <= share ? v / share * p : kNone;
  }

 private:
  double bound_;
  double log_miss_;  // log(1 - bound)
};

}  // namespace pledgesim::sim
