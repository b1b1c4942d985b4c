// The step's shortcuts must decide exactly as the expressions they replace:
// a wrong shortcut would change outputs silently, so compare them directly.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "models/market_detail.hpp"

namespace pledgesim::models::detail {
namespace {

// quiet_stress(base, sensitivity, bound) lets a week without a candidate
// skip the exact probability: at any stress up to it, the hazard as the step
// computes it (the exit and break rates each times the stress factor, summed)
// must have a weekly probability within the bound, or an excess draw would be
// skipped. And it is tight: a little above it, the hazard's h exceeds it.
TEST(FastPaths, QuietStressNeverHidesAnExcess) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  long checked = 0;
  for (int k = 0; k < 20000; ++k) {
    const double bound = std::vector<double>{0.002, 0.01, 0.03}[k % 3];
    const double exit = 0.5 * unit(rng), inactive = (k % 2) * 0.2 * unit(rng);
    const double sensitivity = (k % 5 == 0) ? 0.0 : 8 * unit(rng);
    const double quiet = quiet_stress(exit + inactive, sensitivity, bound);
    if (!std::isfinite(quiet)) {
      if (quiet > 0) {
        EXPECT_LE(weekly_probability(exit + inactive), bound);  // any stress: no sensitivity
        EXPECT_EQ(sensitivity, 0.0);
      }
      continue;
    }
    ASSERT_GE(quiet, 0.0);
    for (double stress : {quiet, std::nextafter(quiet, 0.0), quiet * unit(rng), 0.0}) {
      const double factor = 1.0 + sensitivity * stress;
      ASSERT_LE(weekly_probability(exit * factor + inactive * factor), bound)
          << "exit " << exit << " inactive " << inactive << " s " << stress;
      ++checked;
    }
    const double above = (exit + inactive) * (1.0 + sensitivity * quiet * (1 + 1e-6) + 1e-6);
    EXPECT_GT(above / kWeeksPerYear, bound * (1 - 1e-6));
  }
  EXPECT_GT(checked, 20000);
  EXPECT_EQ(quiet_stress(0.0, 3.0, 0.01), std::numeric_limits<double>::infinity());
  EXPECT_EQ(quiet_stress(1.0, 0.0, 0.01), -std::numeric_limits<double>::infinity());  // 1/52 > 0.01
}

}  // namespace
}  // namespace pledgesim::models::detail
