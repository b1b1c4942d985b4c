// Regression-based sensitivity measures (analysis/cpp/regression_sensitivity):
// SRC and R2 against a least-squares fit of the raw values, PRCC against its
// definition (the correlation of residual ranks), computed here by another
// route (QR least squares, ranks by counting); exact answers for a linear and
// a monotone outcome; constant parameters, bad designs, bootstrap intervals.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "analysis/cpp/design.hpp"
#include "analysis/cpp/regression_sensitivity.hpp"

namespace pledgesim::analysis {
namespace {

// A Latin hypercube of `n` points in k dimensions, scaled so that parameter
// j runs over [j, j + 1 + j] (different ranges, so standardising matters).
std::vector<double> lhs_values(std::size_t n, std::size_t k, std::uint64_t seed = 3) {
  DesignSpec s;
  s.kind = DesignKind::latin_hypercube;
  s.dimensions = k;
  s.samples = n;
  s.seed = seed;
  std::vector<double> x = make_design(s).unit;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < k; ++j) x[i * k + j] = j + (1.0 + j) * x[i * k + j];
  return x;
}

double nonlinear(const double* p) {  // a mix of monotone and non-monotone effects
  return std::exp(1.5 * p[0]) - 0.8 * p[1] * p[1] + 0.3 * std::sin(3 * p[2]);
}

// Ranks by counting: below + (equal + 1) / 2 (ties share their mean rank).
Eigen::VectorXd count_ranks(const Eigen::VectorXd& v) {
  Eigen::VectorXd r(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    double below = 0, equal = 0;
    for (Eigen::Index j = 0; j < v.size(); ++j) {
      below += v[j] < v[i];
      equal += v[j] == v[i];
    }
    r[i] = below + (equal + 1) / 2;
  }
  return r;
}

// Residuals of `target` after a least-squares fit on [1, columns].
Eigen::VectorXd residuals(const Eigen::MatrixXd& columns, const Eigen::VectorXd& target) {
  Eigen::MatrixXd design(columns.rows(), columns.cols() + 1);
  design << Eigen::VectorXd::Ones(columns.rows()), columns;
  const Eigen::VectorXd beta = design.colPivHouseholderQr().solve(target);
  return target - design * beta;
}

double correlation(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const Eigen::VectorXd ca = a.array() - a.mean(), cb = b.array() - b.mean();
  return ca.dot(cb) / (ca.norm() * cb.norm());
}

struct Data {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
};

Data as_matrix(const std::vector<double>& x, std::size_t k, const std::vector<double>& y) {
  Data d{Eigen::MatrixXd(static_cast<Eigen::Index>(y.size()), static_cast<Eigen::Index>(k)),
         Eigen::Map<const Eigen::VectorXd>(y.data(), static_cast<Eigen::Index>(y.size()))};
  for (std::size_t i = 0; i < y.size(); ++i)
    for (std::size_t j = 0; j < k; ++j)
      d.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = x[i * k + j];
  return d;
}

// PRCC by its definition: ranks of x_j and y, each with the ranks of the
// other parameters regressed out; the correlation of the two residuals.
double prcc_by_definition(const Data& d, Eigen::Index j) {
  Eigen::MatrixXd ranked(d.x.rows(), d.x.cols());
  for (Eigen::Index c = 0; c < d.x.cols(); ++c) ranked.col(c) = count_ranks(d.x.col(c));
  Eigen::MatrixXd others(d.x.rows(), d.x.cols() - 1);
  for (Eigen::Index c = 0, o = 0; c < d.x.cols(); ++c)
    if (c != j) others.col(o++) = ranked.col(c);
  return correlation(residuals(others, ranked.col(j)), residuals(others, count_ranks(d.y)));
}

std::vector<double> outcomes(const std::vector<double>& x, std::size_t k,
                             double (*f)(const double*)) {
  std::vector<double> y(x.size() / k);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = f(&x[i * k]);
  return y;
}

TEST(RegressionSensitivity, SrcAndR2EqualALeastSquaresFitOfTheRawValues) {
  const std::size_t k = 3, n = 120;
  const auto x = lhs_values(n, k);
  const auto y = outcomes(x, k, nonlinear);
  const RegressionResult r = regression_sensitivity(x, k, y, 0);
  const Data d = as_matrix(x, k, y);
  Eigen::MatrixXd design(d.x.rows(), k + 1);
  design << Eigen::VectorXd::Ones(d.x.rows()), d.x;
  const Eigen::VectorXd beta = design.colPivHouseholderQr().solve(d.y);
  const double sd_y = std::sqrt((d.y.array() - d.y.mean()).square().sum());
  for (Eigen::Index j = 0; j < static_cast<Eigen::Index>(k); ++j) {
    const double sd_x = std::sqrt((d.x.col(j).array() - d.x.col(j).mean()).square().sum());
    EXPECT_NEAR(r.src[j], beta[j + 1] * sd_x / sd_y, 1e-10) << j;
  }
  const Eigen::VectorXd e = d.y - design * beta;
  EXPECT_NEAR(r.r_squared, 1 - e.squaredNorm() / (sd_y * sd_y), 1e-10);
  EXPECT_EQ(r.points, n);
  // No bootstrap, no bounds.
  EXPECT_TRUE(std::isnan(r.src_lo[0]) && std::isnan(r.prcc_hi[2]));
  EXPECT_EQ(r.resamples, 0u);
}

TEST(RegressionSensitivity, PrccEqualsItsDefinitionIncludingTies) {
  const std::size_t k = 3;
  // A Latin hypercube (no ties) and a 5 x 4 x 3 grid (ties everywhere).
  DesignSpec g;
  g.kind = DesignKind::grid;
  g.grid_levels = {5, 4, 3};
  for (const auto& x : {lhs_values(90, k), make_design(g).unit}) {
    const auto y = outcomes(x, k, nonlinear);
    const RegressionResult r = regression_sensitivity(x, k, y, 0);
    const Data d = as_matrix(x, k, y);
    for (Eigen::Index j = 0; j < static_cast<Eigen::Index>(k); ++j)
      EXPECT_NEAR(r.prcc[j], prcc_by_definition(d, j), 1e-10) << "parameter " << j;
    // The rank fit's R2, from residuals as well.
    Eigen::MatrixXd ranked(d.x.rows(), d.x.cols());
    for (Eigen::Index c = 0; c < d.x.cols(); ++c) ranked.col(c) = count_ranks(d.x.col(c));
    const Eigen::VectorXd ry = count_ranks(d.y);
    const double ss = (ry.array() - ry.mean()).square().sum();
    EXPECT_NEAR(r.rank_r_squared, 1 - residuals(ranked, ry).squaredNorm() / ss, 1e-10);
  }
}

TEST(RegressionSensitivity, ALinearOutcomeIsExplainedWhollyAndAnInertParameterGetsZero) {
  const std::size_t k = 3, n = 200;
  const auto x = lhs_values(n, k);
  const auto y = outcomes(x, k, [](const double* p) { return 3 * p[0] - 2 * p[1] + 7; });
  const RegressionResult r = regression_sensitivity(x, k, y, 0);
  EXPECT_NEAR(r.r_squared, 1.0, 1e-12);
  EXPECT_NEAR(r.src[2], 0.0, 1e-10);
  EXPECT_GT(r.src[0], 0);
  EXPECT_LT(r.src[1], 0);
  // Ranks are not linear in ranks: the PRCC show the signs and an inert
  // third parameter, not exact values.
  EXPECT_GT(r.prcc[0], 0.9);
  EXPECT_LT(r.prcc[1], -0.9);
  EXPECT_LT(std::abs(r.prcc[2]), 0.25);
}

TEST(RegressionSensitivity, AMonotoneOutcomeHasPrccOneWhereTheSrcFallShort) {
  const std::size_t k = 2, n = 100;
  const auto x = lhs_values(n, k);
  // y rises steeply with x0 alone: its ranks are x0's ranks.
  const auto y = outcomes(x, k, [](const double* p) { return std::exp(8 * p[0]); });
  const RegressionResult r = regression_sensitivity(x, k, y, 0);
  EXPECT_NEAR(r.prcc[0], 1.0, 1e-12);
  EXPECT_NEAR(r.rank_r_squared, 1.0, 1e-12);
  EXPECT_LT(r.r_squared, 0.9);  // the linear fit misses the curvature
  EXPECT_LT(r.src[0], 0.95);
}

TEST(RegressionSensitivity, APointOrderDoesNotMatter) {
  const std::size_t k = 3, n = 60;
  const auto x = lhs_values(n, k);
  const auto y = outcomes(x, k, nonlinear);
  std::vector<double> xr(x.size()), yr(n);
  for (std::size_t i = 0; i < n; ++i) {  // reversed
    std::copy_n(&x[(n - 1 - i) * k], k, &xr[i * k]);
    yr[i] = y[n - 1 - i];
  }
  const RegressionResult a = regression_sensitivity(x, k, y, 0);
  const RegressionResult b = regression_sensitivity(xr, k, yr, 0);
  for (std::size_t j = 0; j < k; ++j) {
    EXPECT_NEAR(a.src[j], b.src[j], 1e-12);
    EXPECT_NEAR(a.prcc[j], b.prcc[j], 1e-12);
  }
}

TEST(RegressionSensitivity, AConstantParameterGetsNaNAndTheOthersAreAsWithoutIt) {
  const std::size_t n = 80;
  const auto x2 = lhs_values(n, 2);
  std::vector<double> x3(n * 3);
  for (std::size_t i = 0; i < n; ++i) {
    x3[i * 3] = x2[i * 2];
    x3[i * 3 + 1] = 0.25;  // held at one value by the design
    x3[i * 3 + 2] = x2[i * 2 + 1];
  }
  const auto y = outcomes(x2, 2, [](const double* p) { return p[0] * p[0] + p[1]; });
  const RegressionResult with = regression_sensitivity(x3, 3, y, 50);
  const RegressionResult without = regression_sensitivity(x2, 2, y, 50);
  EXPECT_TRUE(std::isnan(with.src[1]) && std::isnan(with.prcc[1]) && std::isnan(with.src_lo[1]));
  EXPECT_DOUBLE_EQ(with.src[0], without.src[0]);
  EXPECT_DOUBLE_EQ(with.prcc[2], without.prcc[1]);
  EXPECT_DOUBLE_EQ(with.src_hi[2], without.src_hi[1]);
}

TEST(RegressionSensitivity, RefusesWhatCannotBeFitted) {
  const std::size_t k = 2;
  const auto x = lhs_values(20, k);
  const auto y = outcomes(x, k, [](const double* p) { return p[0] + p[1]; });
  const std::vector<double> flat(20, 4.0);
  EXPECT_THROW(regression_sensitivity(x, k, flat), std::invalid_argument);  // nothing to explain
  // Three points for two parameters: no degree of freedom left.
  EXPECT_THROW(regression_sensitivity(std::span(x).first(6), k, std::span(y).first(3)),
               std::invalid_argument);
  std::vector<double> collinear = x;
  for (std::size_t i = 0; i < 20; ++i) collinear[i * k + 1] = 2 * collinear[i * k] + 1;
  try {
    regression_sensitivity(collinear, k, y);
    FAIL() << "collinear parameters accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("collinear"), std::string::npos) << e.what();
  }
  std::vector<double> bad = x;
  bad[5] = std::nan("");
  EXPECT_THROW(regression_sensitivity(bad, k, y), std::invalid_argument);
  EXPECT_THROW(regression_sensitivity(x, k + 1, y), std::invalid_argument);  // wrong shape
  EXPECT_THROW(regression_sensitivity(x, k, y, 10, 1.0), std::invalid_argument);
}

TEST(RegressionSensitivity, BootstrapIntervalsAreReproducibleAndNested) {
  const std::size_t k = 3, n = 100;
  const auto x = lhs_values(n, k);
  const auto y = outcomes(x, k, nonlinear);
  const RegressionResult a = regression_sensitivity(x, k, y, 300, 0.90, 7);
  const RegressionResult again = regression_sensitivity(x, k, y, 300, 0.90, 7);
  const RegressionResult other_seed = regression_sensitivity(x, k, y, 300, 0.90, 8);
  const RegressionResult narrow = regression_sensitivity(x, k, y, 300, 0.50, 7);
  EXPECT_EQ(a.resamples, 300u);
  bool seed_matters = false;
  for (std::size_t j = 0; j < k; ++j) {
    EXPECT_EQ(a.src_lo[j], again.src_lo[j]);
    EXPECT_EQ(a.prcc_hi[j], again.prcc_hi[j]);
    seed_matters |= a.src_lo[j] != other_seed.src_lo[j];
    EXPECT_LE(a.src_lo[j], narrow.src_lo[j]);
    EXPECT_GE(a.src_hi[j], narrow.src_hi[j]);
    EXPECT_LE(a.prcc_lo[j], narrow.prcc_lo[j]);
    EXPECT_GE(a.prcc_hi[j], narrow.prcc_hi[j]);
    EXPECT_LT(a.src_lo[j], a.src_hi[j]);
  }
  EXPECT_TRUE(seed_matters);
  // The strong effect of x0 is well inside its interval, away from zero.
  EXPECT_GT(a.prcc_lo[0], 0.5);
  EXPECT_LE(a.prcc_lo[0], a.prcc[0]);
  EXPECT_GE(a.prcc_hi[0], a.prcc[0]);
}

}  // namespace
}  // namespace pledgesim::analysis
