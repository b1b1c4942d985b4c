// The step's shortcuts must decide exactly as the expressions they replace:
// a wrong shortcut would change outputs silently, so compare them directly.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "models/market_detail.hpp"

namespace pledgesim::models::detail {
namespace {

// surely_within(rate, bound) skips the exact weekly probability in weeks
// without a candidate: it must never say "within" for a rate whose weekly
// probability exceeds the bound (the excess draw would then be skipped).
TEST(FastPaths, WithinBoundShortcutNeverHidesAnExcess) {
  long decided = 0;
  for (double bound : {0.002, 0.01, 0.03, 0.5}) {
    const double edge = bound * kWeeksPerYear;  // the annual rate whose h equals the bound
    for (double scale = 0.5; scale < 2.0; scale += 1e-4) {
      for (double rate :
           {edge * scale, std::nextafter(edge * scale, 0.0), std::nextafter(edge * scale, 1e9)}) {
        if (!surely_within(rate, bound)) continue;
        ++decided;
        ASSERT_LE(weekly_probability(rate), bound) << "rate " << rate << " bound " << bound;
      }
    }
    // Far below, it decides; just above the bound's own rate, it does not.
    EXPECT_TRUE(surely_within(0.0, bound));
    EXPECT_FALSE(surely_within(edge, bound));
  }
  EXPECT_GT(decided, 20000);
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
