// The calibration's optimiser (NLopt, global then local) on functions with a
// known minimum; its exceptions, trace and convergence report.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "analysis/cpp/box_optimiser.hpp"

namespace pa = pledgesim::analysis;

TEST(BoxOptimiser, FindsRosenbrocksMinimumWithinTolerance) {
  // x = 4u - 2 in [-2, 2]^2; the minimum 0 is at x = (1, 1), u = (0.75, 0.75).
  const auto f = [](const Eigen::VectorXd& u) {
    const double x = 4 * u(0) - 2, y = 4 * u(1) - 2;
    return std::pow(1 - x, 2) + 100 * std::pow(y - x * x, 2);
  };
  pa::BoxOptimiserOptions o;
  o.global_evaluations = 300;
  o.local_evaluations = 2000;
  o.value_tolerance = 1e-12;
  o.point_tolerance = 1e-9;
  const auto r = pa::minimise_in_unit_box(f, Eigen::Vector2d(0.1, 0.9), o);
  EXPECT_NEAR(r.best(0), 0.75, 1e-3);
  EXPECT_NEAR(r.best(1), 0.75, 1e-3);
  EXPECT_LT(r.value, 1e-5);
  EXPECT_TRUE(r.converged);
  ASSERT_EQ(r.stages.size(), 2u);
  EXPECT_EQ(static_cast<int>(r.trace.size()), r.evaluations);
  EXPECT_EQ(r.evaluations, 1 + r.stages[0].evaluations + r.stages[1].evaluations);
  EXPECT_LE(r.stages[0].evaluations, 310);  // CRS2-LM may finish its last step
  EXPECT_LE(r.stages[1].best, r.stages[0].best);
}

TEST(BoxOptimiser, TheGlobalStageLeavesALocalMinimum) {
  // Rastrigin in 2-D, shifted: global minimum 0 at x = (1.2, -0.7), many
  // local minima near the integers; the start sits in the one at (-3, 3).
  const auto f = [](const Eigen::VectorXd& u) {
    double s = 20;
    const double shift[2] = {1.2, -0.7};
    for (int k = 0; k < 2; ++k) {
      const double x = 10 * u(k) - 5 - shift[k];
      s += x * x - 10 * std::cos(2 * std::numbers::pi * x);
    }
    return s;
  };
  pa::BoxOptimiserOptions o;
  o.global_evaluations = 1500;
  o.local_evaluations = 500;
  o.value_tolerance = 1e-12;
  o.point_tolerance = 1e-8;
  const Eigen::Vector2d start((-3 + 1.2 + 5) / 10, (3 - 0.7 + 5) / 10);
  const auto r = pa::minimise_in_unit_box(f, start, o);
  EXPECT_NEAR(10 * r.best(0) - 5, 1.2, 1e-3);
  EXPECT_NEAR(10 * r.best(1) - 5, -0.7, 1e-3);
  // The global stage alone reached the global minimum's basin.
  EXPECT_LT(r.stages[0].best, 1.0);
}

TEST(BoxOptimiser, AMinimumOutsideTheBoxIsFoundOnItsEdge) {
  const auto f = [](const Eigen::VectorXd& u) { return std::pow(u(0) - 1.5, 2); };
  const auto r = pa::minimise_in_unit_box(f, Eigen::VectorXd::Constant(1, 0.3));
  EXPECT_NEAR(r.best(0), 1.0, 1e-6);
}

TEST(BoxOptimiser, AFlatObjectiveIsNeverReportedConverged) {
  const auto f = [](const Eigen::VectorXd&) { return 7.0; };
  const auto r = pa::minimise_in_unit_box(f, Eigen::Vector2d(0.5, 0.5));
  EXPECT_FALSE(r.converged);
  EXPECT_TRUE(r.flat);
  EXPECT_EQ(r.value, 7.0);
  for (const auto& s : r.stages) EXPECT_EQ(s.stop.find("(converged)"), std::string::npos) << s.stop;
}

TEST(BoxOptimiser, AnObjectiveFlatToItsToleranceIsNotReportedConverged) {
  // A calibration whose one target is far beyond the model's reach: chi^2 is
  // a huge constant, and what the parameters change is below one part in
  // 10^9 of it. The local stage meets ftol at once; that is not convergence.
  const auto f = [](const Eigen::VectorXd& u) {
    return 3e21 + 1e11 * (u - Eigen::Vector2d(0.3, 0.6)).squaredNorm();
  };
  const auto r = pa::minimise_in_unit_box(f, Eigen::Vector2d(0.9, 0.1));
  EXPECT_FALSE(r.converged);
  EXPECT_TRUE(r.flat);
  ASSERT_EQ(r.stages.size(), 2u);
  EXPECT_TRUE(r.stages[1].stop.ends_with("(not converged: the objective is flat)"))
      << r.stages[1].stop;
  EXPECT_EQ(r.stages[1].stop.find("(converged)"), std::string::npos) << r.stages[1].stop;
}

TEST(BoxOptimiser, ALargeObjectiveThatMovesIsNotFlat) {
  // The same size, but the parameters move it by a fraction of itself.
  const auto f = [](const Eigen::VectorXd& u) {
    return 3e21 * (1 + (u - Eigen::Vector2d(0.3, 0.6)).squaredNorm());
  };
  pa::BoxOptimiserOptions o;
  o.local_evaluations = 2000;
  const auto r = pa::minimise_in_unit_box(f, Eigen::Vector2d(0.9, 0.1), o);
  EXPECT_FALSE(r.flat);
  EXPECT_TRUE(r.converged) << r.stages.back().stop;
  EXPECT_NEAR(r.best(0), 0.3, 1e-2);
  EXPECT_NEAR(r.best(1), 0.6, 1e-2);
}

TEST(BoxOptimiser, TheObjectivesExceptionsPassThrough) {
  int calls = 0;
  const auto f = [&](const Eigen::VectorXd& u) {
    if (++calls == 5) throw std::range_error("stopped by the user");
    return u.squaredNorm();
  };
  EXPECT_THROW(pa::minimise_in_unit_box(f, Eigen::Vector2d(0.5, 0.5)), std::range_error);
  EXPECT_EQ(calls, 5);
}

TEST(BoxOptimiser, IsDeterministic) {
  const auto f = [](const Eigen::VectorXd& u) {
    return std::sin(13 * u(0)) + std::cos(7 * u(1)) + u.squaredNorm();
  };
  const auto a = pa::minimise_in_unit_box(f, Eigen::Vector2d(0.2, 0.2));
  const auto b = pa::minimise_in_unit_box(f, Eigen::Vector2d(0.2, 0.2));
  EXPECT_EQ(a.trace, b.trace);
  EXPECT_TRUE(a.best == b.best);
}
