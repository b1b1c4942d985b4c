// Designs (grid, Latin hypercube, Saltelli, Morris) and the sensitivity
// estimators: structure of every design, determinism, Sobol indices of the
// Ishigami function against their analytic values, Morris effects of a
// linear function (exact) and of Ishigami (ranking).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>
#include <stdexcept>
#include <string>

#include "analysis/cpp/design.hpp"
#include "analysis/cpp/sensitivity.hpp"

namespace pledgesim::analysis {
namespace {

void expect_in_unit_cube(const Design& d) {
  for (double v : d.unit) {
    ASSERT_GE(v, 0.0);
    ASSERT_LE(v, 1.0);
  }
}

TEST(DesignKindNames, RoundTrip) {
  for (DesignKind k :
       {DesignKind::grid, DesignKind::latin_hypercube, DesignKind::saltelli, DesignKind::morris})
    EXPECT_EQ(parse_design_kind(design_kind_name(k)), k);
  EXPECT_STREQ(design_kind_name(DesignKind::latin_hypercube), "latin_hypercube");
  EXPECT_FALSE(parse_design_kind("lhs").has_value());
  EXPECT_FALSE(parse_design_kind("").has_value());
}

TEST(Design, GridIsTheProductOfLevelsLastDimensionFastest) {
  DesignSpec s;
  s.kind = DesignKind::grid;
  s.grid_levels = {3, 1, 2};
  const Design d = make_design(s);
  ASSERT_EQ(d.dimensions, 3u);
  ASSERT_EQ(d.points(), 6u);
  EXPECT_EQ(d.samples, 6u);
  const std::vector<std::vector<double>> want = {{0, 0.5, 0},   {0, 0.5, 1}, {0.5, 0.5, 0},
                                                 {0.5, 0.5, 1}, {1, 0.5, 0}, {1, 0.5, 1}};
  for (std::size_t p = 0; p < 6; ++p)
    for (std::size_t j = 0; j < 3; ++j) EXPECT_DOUBLE_EQ(d.at(p, j), want[p][j]) << p << "," << j;

  s.grid_levels = {5};
  const Design one = make_design(s);
  for (std::size_t p = 0; p < 5; ++p) EXPECT_DOUBLE_EQ(one.at(p, 0), static_cast<double>(p) / 4);
}

TEST(Design, LatinHypercubeHasOnePointPerStratum) {
  DesignSpec s;
  s.kind = DesignKind::latin_hypercube;
  s.dimensions = 4;
  s.samples = 97;
  s.seed = 42;
  const Design d = make_design(s);
  ASSERT_EQ(d.points(), 97u);
  expect_in_unit_cube(d);
  for (std::size_t j = 0; j < 4; ++j) {
    std::vector<int> count(97, 0);
    for (std::size_t p = 0; p < 97; ++p) ++count[static_cast<std::size_t>(d.at(p, j) * 97)];
    for (std::size_t c = 0; c < 97; ++c) EXPECT_EQ(count[c], 1) << "dim " << j << " stratum " << c;
  }
  // Dimensions are not all paired the same way.
  std::size_t same = 0;
  for (std::size_t p = 0; p < 97; ++p)
    same += static_cast<std::size_t>(d.at(p, 0) * 97) == static_cast<std::size_t>(d.at(p, 1) * 97);
  EXPECT_LT(same, 10u);
}

TEST(Design, DeterministicBySeed) {
  for (DesignKind k : {DesignKind::latin_hypercube, DesignKind::saltelli, DesignKind::morris}) {
    DesignSpec s;
    s.kind = k;
    s.dimensions = 3;
    s.samples = 20;
    s.seed = 7;
    const Design a = make_design(s), b = make_design(s);
    EXPECT_EQ(a.unit, b.unit) << design_kind_name(k);
    s.seed = 8;
    EXPECT_NE(a.unit, make_design(s).unit) << design_kind_name(k);
  }
}

TEST(Design, SaltelliRowsArePickFreeze) {
  DesignSpec s;
  s.kind = DesignKind::saltelli;
  s.dimensions = 4;
  s.samples = 64;
  const Design d = make_design(s);
  const std::size_t k = 4;
  ASSERT_EQ(d.points(), 64u * (k + 2));
  EXPECT_EQ(d.samples, 64u);
  expect_in_unit_cube(d);
  for (std::size_t i = 0; i < 64; ++i) {
    const std::size_t a = i * (k + 2), b = a + 1;
    for (std::size_t c = 0; c < k; ++c) EXPECT_NE(d.at(a, c), d.at(b, c));
    for (std::size_t j = 0; j < k; ++j)
      for (std::size_t c = 0; c < k; ++c)
        EXPECT_EQ(d.at(a + 2 + j, c), c == j ? d.at(b, c) : d.at(a, c)) << i << " " << j;
  }
  // A and B columns are each stratified (a Latin hypercube in 2k dimensions).
  for (std::size_t c = 0; c < k; ++c)
    for (std::size_t which = 0; which < 2; ++which) {
      std::set<std::size_t> strata;
      for (std::size_t i = 0; i < 64; ++i)
        strata.insert(static_cast<std::size_t>(d.at(i * (k + 2) + which, c) * 64));
      EXPECT_EQ(strata.size(), 64u);
    }
}

TEST(Design, MorrisTrajectoriesMoveOneCoordinateByTheStep) {
  DesignSpec s;
  s.kind = DesignKind::morris;
  s.dimensions = 5;
  s.samples = 30;
  s.morris_levels = 6;
  const Design d = make_design(s);
  const std::size_t k = 5;
  ASSERT_EQ(d.points(), 30u * (k + 1));
  expect_in_unit_cube(d);
  const double step = 6.0 / (2.0 * 5.0);
  EXPECT_DOUBLE_EQ(d.morris_step(), step);
  bool up = false, down = false;
  for (std::size_t t = 0; t < 30; ++t) {
    std::set<std::size_t> moved;
    for (std::size_t m = 0; m < k; ++m) {
      const std::size_t p0 = t * (k + 1) + m;
      std::size_t changed = 0, which = 0;
      for (std::size_t c = 0; c < k; ++c)
        if (d.at(p0 + 1, c) != d.at(p0, c)) {
          ++changed;
          which = c;
        }
      ASSERT_EQ(changed, 1u) << "trajectory " << t << " step " << m;
      const double delta = d.at(p0 + 1, which) - d.at(p0, which);
      EXPECT_NEAR(std::abs(delta), step, 1e-12);
      (delta > 0 ? up : down) = true;
      moved.insert(which);
    }
    EXPECT_EQ(moved.size(), k);  // every dimension moves once
    // Every coordinate sits on the 6-level grid.
    for (std::size_t m = 0; m <= k; ++m)
      for (std::size_t c = 0; c < k; ++c) {
        const double level = d.at(t * (k + 1) + m, c) * 5;
        EXPECT_NEAR(level, std::round(level), 1e-12);
      }
  }
  EXPECT_TRUE(up && down);
}

TEST(Design, BadSpecsAreRefusedClearly) {
  auto message = [](const DesignSpec& s) {
    try {
      make_design(s);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  DesignSpec s;
  s.samples = 10;
  EXPECT_NE(message(s).find("dimensions"), std::string::npos);
  s.dimensions = 2;
  s.samples = 0;
  EXPECT_NE(message(s).find("samples"), std::string::npos);
  s.kind = DesignKind::morris;
  s.samples = 4;
  s.morris_levels = 5;
  EXPECT_NE(message(s).find("morris_levels"), std::string::npos);
  s.kind = DesignKind::grid;
  s.grid_levels = {3};
  EXPECT_NE(message(s).find("grid_levels"), std::string::npos);
  s.grid_levels = {3, 0};
  EXPECT_NE(message(s).find("grid_levels[1]"), std::string::npos);
  s.kind = DesignKind::latin_hypercube;
  s.samples = std::size_t{1} << 40;
  EXPECT_NE(message(s).find("too large"), std::string::npos);
}

// Ishigami: f = sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3.
double ishigami(const Design& d, std::size_t p) {
  constexpr double a = 7, b = 0.1, pi = std::numbers::pi;
  const double x1 = -pi + 2 * pi * d.at(p, 0), x2 = -pi + 2 * pi * d.at(p, 1),
               x3 = -pi + 2 * pi * d.at(p, 2);
  return std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
}

std::vector<double> evaluate(const Design& d, double (*f)(const Design&, std::size_t)) {
  std::vector<double> y(d.points());
  for (std::size_t p = 0; p < y.size(); ++p) y[p] = f(d, p);
  return y;
}

// N = 2^14 base samples: the sampling standard deviation of each estimate
// is about 0.01 here (checked over many seeds), so 0.03 is a ~3 sigma
// tolerance; 99% intervals are asked to cover all six true values.
TEST(Sobol, IshigamiIndicesMatchTheAnalyticValues) {
  const double first[] = {0.3139, 0.4424, 0.0}, total[] = {0.5576, 0.4424, 0.2437};
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    DesignSpec s;
    s.kind = DesignKind::saltelli;
    s.dimensions = 3;
    s.samples = 1 << 14;
    s.seed = seed;
    const Design d = make_design(s);
    const auto y = evaluate(d, ishigami);
    const SobolResult r = sobol_indices(d, y, 500, 0.99, seed);
    EXPECT_EQ(r.base_samples, std::size_t{1} << 14);
    // V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 = 13.8446
    EXPECT_NEAR(r.variance, 13.8446, 0.5);
    for (std::size_t j = 0; j < 3; ++j) {
      EXPECT_NEAR(r.first[j], first[j], 0.03) << "S" << j + 1;
      EXPECT_NEAR(r.total[j], total[j], 0.03) << "ST" << j + 1;
      EXPECT_LE(r.first_lo[j], first[j]) << "S" << j + 1;
      EXPECT_GE(r.first_hi[j], first[j]) << "S" << j + 1;
      EXPECT_LE(r.total_lo[j], total[j]) << "ST" << j + 1;
      EXPECT_GE(r.total_hi[j], total[j]) << "ST" << j + 1;
      EXPECT_LE(r.first_lo[j], r.first[j]);
      EXPECT_GE(r.first_hi[j], r.first[j]);
      EXPECT_LT(r.first_hi[j] - r.first_lo[j], 0.1);
      EXPECT_LT(r.total_hi[j] - r.total_lo[j], 0.1);
    }
    if (seed != 1) continue;
    // Same inputs, same answer (the bootstrap draws from Philox streams).
    const SobolResult again = sobol_indices(d, y, 500, 0.99, seed);
    EXPECT_EQ(again.first_lo, r.first_lo);
    EXPECT_EQ(again.total_hi, r.total_hi);
    // Narrower at 90%.
    const SobolResult r90 = sobol_indices(d, y, 500, 0.90, seed);
    for (std::size_t j = 0; j < 3; ++j)
      EXPECT_LT(r90.first_hi[j] - r90.first_lo[j], r.first_hi[j] - r.first_lo[j]);
  }
}

// A large mean with a small spread (like an agency rate of 20% +/- 0.5)
// must not swamp the first-order estimates: they are invariant to a shift.
TEST(Sobol, InvariantToAShiftOfTheOutcome) {
  DesignSpec s;
  s.kind = DesignKind::saltelli;
  s.dimensions = 3;
  s.samples = 256;
  const Design d = make_design(s);
  auto y = evaluate(d, ishigami);
  const SobolResult r = sobol_indices(d, y, 100);
  for (double& v : y) v += 1000;
  const SobolResult shifted = sobol_indices(d, y, 100);
  for (std::size_t j = 0; j < 3; ++j) {
    EXPECT_NEAR(shifted.first[j], r.first[j], 1e-9);
    EXPECT_NEAR(shifted.total[j], r.total[j], 1e-9);
    EXPECT_NEAR(shifted.first_lo[j], r.first_lo[j], 1e-9);
  }
}

TEST(Sobol, ConstantOutcomeAndNoBootstrap) {
  DesignSpec s;
  s.kind = DesignKind::saltelli;
  s.dimensions = 2;
  s.samples = 16;
  const Design d = make_design(s);
  const std::vector<double> y(d.points(), 3.0);
  const SobolResult r = sobol_indices(d, y);
  EXPECT_EQ(r.variance, 0.0);
  EXPECT_TRUE(std::isnan(r.first[0]));
  std::vector<double> lin(d.points());
  for (std::size_t p = 0; p < lin.size(); ++p) lin[p] = d.at(p, 0);
  const SobolResult nb = sobol_indices(d, lin, 0);
  EXPECT_TRUE(std::isnan(nb.first_lo[0]));
  EXPECT_GT(nb.first[0], 0.8);
}

TEST(Sobol, RefusesTheWrongDesignOrLength) {
  DesignSpec s;
  s.kind = DesignKind::morris;
  s.dimensions = 2;
  s.samples = 4;
  const Design m = make_design(s);
  const std::vector<double> ym(m.points(), 1.0);
  EXPECT_THROW(sobol_indices(m, ym), std::invalid_argument);
  s.kind = DesignKind::saltelli;
  Design sal = make_design(s);
  EXPECT_THROW(sobol_indices(sal, std::vector<double>(sal.points() - 1, 1.0)),
               std::invalid_argument);
  EXPECT_THROW(morris_effects(sal, std::vector<double>(sal.points(), 1.0)), std::invalid_argument);
  std::vector<double> y(sal.points(), 1.0);
  y[3] = std::nan("");
  EXPECT_THROW(sobol_indices(sal, y), std::invalid_argument);
  // Rows out of the documented order.
  std::swap(sal.unit[0], sal.unit[2 * 2]);
  EXPECT_THROW(sobol_indices(sal, std::vector<double>(sal.points(), 1.0)), std::invalid_argument);
}

TEST(Morris, LinearFunctionHasExactEffects) {
  DesignSpec s;
  s.kind = DesignKind::morris;
  s.dimensions = 4;
  s.samples = 25;
  s.morris_levels = 4;
  s.seed = 11;
  const Design d = make_design(s);
  const double c[] = {2.5, -1.0, 0.0, 10.0};
  std::vector<double> y(d.points());
  for (std::size_t p = 0; p < y.size(); ++p) {
    y[p] = 3.0;
    for (std::size_t j = 0; j < 4; ++j) y[p] += c[j] * d.at(p, j);
  }
  const MorrisResult r = morris_effects(d, y);
  EXPECT_EQ(r.trajectories, 25u);
  for (std::size_t j = 0; j < 4; ++j) {
    EXPECT_NEAR(r.mu[j], c[j], 1e-12);
    EXPECT_NEAR(r.mu_star[j], std::abs(c[j]), 1e-12);
    EXPECT_NEAR(r.sigma[j], 0.0, 1e-12);
  }
}

TEST(Morris, IshigamiRanking) {
  DesignSpec s;
  s.kind = DesignKind::morris;
  s.dimensions = 3;
  s.samples = 200;
  s.morris_levels = 4;
  const Design d = make_design(s);
  const MorrisResult r = morris_effects(d, evaluate(d, ishigami));
  // x3 acts only through its interaction with x1: mu near zero, mu_star and
  // sigma clearly positive; x1 is non-linear and interacting (large sigma).
  for (std::size_t j = 0; j < 3; ++j) {
    EXPECT_GT(r.mu_star[j], 1.0) << j;
    EXPECT_GE(r.mu_star[j], std::abs(r.mu[j]));
  }
  EXPECT_LT(std::abs(r.mu[2]), 0.5 * r.mu_star[2]);
  EXPECT_GT(r.sigma[2], 1.0);
  EXPECT_GT(r.sigma[0], 1.0);
}

TEST(Morris, RefusesBrokenTrajectories) {
  DesignSpec s;
  s.kind = DesignKind::morris;
  s.dimensions = 2;
  s.samples = 3;
  Design d = make_design(s);
  const std::vector<double> y(d.points(), 0.0);
  EXPECT_NO_THROW(morris_effects(d, y));
  d.unit[1 * 2 + 0] = d.unit[0] == 0 ? 0.5 : 0.0;  // row 1 now differs in two coordinates
  d.unit[1 * 2 + 1] = d.unit[1] == 0 ? 0.5 : 0.0;
  EXPECT_THROW(morris_effects(d, y), std::invalid_argument);
}

}  // namespace
}  // namespace pledgesim::analysis
