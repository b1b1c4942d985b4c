// The step's shortcuts must decide exactly as the expressions they replace:
// a wrong shortcut would change outputs silently, so compare them directly.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "models/market_detail.hpp"

namespace pledgesim::models::detail {
namespace {

// surely_no_event(u, rate) must never say "no event" for a draw that the
// exact comparison u <= weekly_probability(rate) accepts.
TEST(FastPaths, NoEventShortcutNeverRejectsAnEvent) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  long decided = 0;
  for (double rate : {0.0, 1e-12, 1e-9, 1e-6, 1e-3, 0.05, 0.5, 1.0, 5.0, 52.0, 100.0}) {
    const double p = weekly_probability(rate);
    // Draws at and around the probability itself, and uniform ones.
    for (double u : {p, std::nextafter(p, 0.0), std::nextafter(p, 2.0), rate / kWeeksPerYear,
                     std::nextafter(rate / kWeeksPerYear, 2.0)}) {
      if (u <= 0.0 || u > 1.0) continue;
      if (surely_no_event(u, rate)) {
        EXPECT_GT(u, p) << "rate " << rate << " u " << u;
      }
    }
    for (int k = 0; k < 20000; ++k) {
      const double u = unit(rng) * std::min(1.0, 4 * rate / kWeeksPerYear + 1e-9);
      if (u <= 0.0) continue;
      if (surely_no_event(u, rate)) {
        ++decided;
        ASSERT_GT(u, p) << "rate " << rate << " u " << u;
      }
    }
  }
  EXPECT_GT(decided, 50000);  // the shortcut does decide most draws above the hazard
  // A negative bound (never an event) still rejects.
  EXPECT_TRUE(surely_no_event(0.5, -3.0));
}

TEST(FastPaths, StressMicroRoundsLikeLlround) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<float> stress(0.0f, 5.0f);
  for (int k = 0; k < 200000; ++k) {
    const float s = stress(rng);
    ASSERT_EQ(stress_micro(s), std::llround(static_cast<double>(s) * 1e6)) << s;
  }
  // Exact halves round away from zero: 2.5e-6 * 1e6 is not exact in binary,
  // so build halves from floats whose product with 1e6 ends in .5.
  for (float s : {0.0f, 0.5e-6f, 1.5e-6f, 0.0000025f, 1.0f, 3.0000005f, 1e7f, 1e12f, -0.25f})
    EXPECT_EQ(stress_micro(s), std::llround(static_cast<double>(s) * 1e6)) << s;
}

}  // namespace
}  // namespace pledgesim::models::detail
