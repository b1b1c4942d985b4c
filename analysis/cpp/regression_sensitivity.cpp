#include "analysis/cpp/regression_sensitivity.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <tuple>

#include "analysis/cpp/percentile.hpp"
#include "sim/core/random.hpp"

namespace pledgesim::analysis {

namespace {

constexpr std::uint64_t kPurposeBootstrap = 0x726567'626f6fULL;  // "reg" "boo"
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Below this smallest eigenvalue of the parameters' correlation matrix the
// parameters count as collinear: their coefficients are not identified.
constexpr double kCollinear = 1e-10;

// Ranks 1..n of v, tied values sharing their mean rank.
Eigen::VectorXd ranks(const Eigen::VectorXd& v) {
  const auto n = v.size();
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return v[a] < v[b]; });
  Eigen::VectorXd r(n);
  for (Eigen::Index i = 0; i < n;) {
    Eigen::Index j = i;
    while (j + 1 < n &&
           v[order[static_cast<std::size_t>(j + 1)]] == v[order[static_cast<std::size_t>(i)]])
      ++j;
    const double mean_rank = static_cast<double>(i + j) / 2 + 1;
    for (Eigen::Index t = i; t <= j; ++t) r[order[static_cast<std::size_t>(t)]] = mean_rank;
    i = j + 1;
  }
  return r;
}

// The correlation matrix of the columns of `data`; false when a column
// does not vary.
bool correlation(const Eigen::MatrixXd& data, Eigen::MatrixXd& c) {
  const Eigen::MatrixXd centred = data.rowwise() - data.colwise().mean();
  const Eigen::VectorXd norms = centred.colwise().norm();
  if ((norms.array() == 0).any()) return false;
  const Eigen::MatrixXd z = centred * norms.cwiseInverse().asDiagonal();
  c = z.transpose() * z;
  return true;
}

// The standardised coefficients b of the last column on the others, the
// fit's R2, and the partial correlations b_j / sqrt(b_j^2 + (1 - R2)
// (C_xx^-1)_jj) (the t statistic of b_j, t / sqrt(t^2 + df), written in
// correlations). False when a column does not vary or the parameters are
// collinear.
bool fit(const Eigen::MatrixXd& data, Eigen::VectorXd& coefficients, Eigen::VectorXd& partial,
         double& r_squared) {
  Eigen::MatrixXd c;
  if (!correlation(data, c)) return false;
  const Eigen::Index m = data.cols() - 1;
  const Eigen::MatrixXd cxx = c.topLeftCorner(m, m);
  const Eigen::VectorXd cxy = c.col(m).head(m);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(cxx, Eigen::EigenvaluesOnly);
  if (eigen.eigenvalues().minCoeff() < kCollinear) return false;
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(cxx);
  coefficients = ldlt.solve(cxy);
  r_squared = std::clamp(cxy.dot(coefficients), 0.0, 1.0);
  const Eigen::VectorXd inverse_diagonal = ldlt.solve(Eigen::MatrixXd::Identity(m, m)).diagonal();
  partial.resize(m);
  for (Eigen::Index j = 0; j < m; ++j) {
    const double b = coefficients[j];
    const double denominator = std::sqrt(b * b + (1 - r_squared) * inverse_diagonal[j]);
    partial[j] = denominator > 0 ? b / denominator : 0.0;
  }
  return true;
}

struct Measures {
  Eigen::VectorXd src, prcc;
  double r_squared = 0, rank_r_squared = 0;
};

// Both fits of `data` (varying parameters, then the outcome, as columns).
bool measures(const Eigen::MatrixXd& data, Measures& out) {
  Eigen::VectorXd unused;
  if (!fit(data, out.src, unused, out.r_squared)) return false;
  Eigen::MatrixXd ranked(data.rows(), data.cols());
  for (Eigen::Index c = 0; c < data.cols(); ++c) ranked.col(c) = ranks(data.col(c));
  Eigen::VectorXd rank_coefficients;
  return fit(ranked, rank_coefficients, out.prcc, out.rank_r_squared);
}

// The parameters (columns of x) that take more than one value.
std::vector<std::size_t> varying_parameters(std::span<const double> x, std::size_t k) {
  std::vector<std::size_t> varying;
  const std::size_t n = x.size() / k;
  for (std::size_t j = 0; j < k; ++j)
    for (std::size_t i = 1; i < n; ++i)
      if (x[i * k + j] != x[j]) {
        varying.push_back(j);
        break;
      }
  return varying;
}

// The varying parameters' values, then (when y is given) the outcome, as
// the columns of one matrix.
Eigen::MatrixXd columns(std::span<const double> x, std::size_t k,
                        const std::vector<std::size_t>& varying, std::span<const double> y) {
  const std::size_t n = x.size() / k, m = varying.size();
  Eigen::MatrixXd data(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(m + !y.empty()));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < m; ++c)
      data(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = x[i * k + varying[c]];
    if (!y.empty()) data(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(m)) = y[i];
  }
  return data;
}

}  // namespace

void check_regression_design(std::span<const double> x, std::size_t k, std::size_t points) {
  if (k == 0 || x.size() != points * k)
    throw std::invalid_argument("regression_sensitivity: " + std::to_string(x.size()) +
                                " parameter values for " + std::to_string(points) + " points and " +
                                std::to_string(k) + " parameters");
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]))
      throw std::invalid_argument("parameter " + std::to_string(i % k) +
                                  " is not finite at point " + std::to_string(i / k));
  const std::vector<std::size_t> varying = varying_parameters(x, k);
  const std::size_t m = varying.size();
  if (m == 0) throw std::invalid_argument("no parameter varies across the design");
  if (points < m + 2)
    throw std::invalid_argument(std::to_string(points) + " points are too few for " +
                                std::to_string(m) + " varying parameters (at least " +
                                std::to_string(m + 2) + " are needed)");
  Eigen::MatrixXd c;
  if (!correlation(columns(x, k, varying, {}), c))
    throw std::logic_error("check_regression_design: a varying parameter does not vary");
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(c, Eigen::EigenvaluesOnly);
  if (eigen.eigenvalues().minCoeff() < kCollinear)
    throw std::invalid_argument(
        "the varying parameters are collinear in the design (one is a linear combination of "
        "others), so their effects cannot be told apart");
}

RegressionResult regression_sensitivity(std::span<const double> x, std::size_t k,
                                        std::span<const double> y, std::size_t bootstrap,
                                        double level, std::uint64_t seed) {
  const std::size_t n = y.size();
  check_regression_design(x, k, n);
  if (!(level > 0 && level < 1))
    throw std::invalid_argument("regression_sensitivity: level must lie strictly between 0 and 1");
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(y[i]))
      throw std::invalid_argument("the outcome is not finite at point " + std::to_string(i));
  if (std::all_of(y.begin(), y.end(), [&](double v) { return v == y[0]; }))
    throw std::invalid_argument("the outcome does not vary across the design");
  const std::vector<std::size_t> varying = varying_parameters(x, k);
  const std::size_t m = varying.size();
  const Eigen::MatrixXd data = columns(x, k, varying, y);

  Measures whole;
  if (!measures(data, whole))  // the ranks are collinear where the values are not
    throw std::invalid_argument(
        "the ranks of the varying parameters are collinear in the design, so their effects "
        "cannot be told apart");
  RegressionResult out;
  out.points = n;
  out.r_squared = whole.r_squared;
  out.rank_r_squared = whole.rank_r_squared;
  out.src.assign(k, kNaN);
  out.prcc.assign(k, kNaN);
  for (std::size_t c = 0; c < m; ++c) {
    out.src[varying[c]] = whole.src[static_cast<Eigen::Index>(c)];
    out.prcc[varying[c]] = whole.prcc[static_cast<Eigen::Index>(c)];
  }
  out.src_lo = out.src_hi = out.prcc_lo = out.prcc_hi = std::vector<double>(k, kNaN);
  if (bootstrap == 0) return out;

  const sim::RandomStreams streams(seed, kPurposeBootstrap);
  std::vector<std::vector<double>> src_b(m), prcc_b(m);
  Eigen::MatrixXd resample(data.rows(), data.cols());
  Measures rep;
  for (std::size_t b = 0; b < bootstrap; ++b) {
    sim::AgentDraws draws(streams, b, 0);
    for (Eigen::Index i = 0; i < data.rows(); ++i)
      resample.row(i) = data.row(static_cast<Eigen::Index>(draws.below(n)));
    if (!measures(resample, rep)) continue;  // degenerate: a column constant, or collinear
    for (std::size_t c = 0; c < m; ++c) {
      src_b[c].push_back(rep.src[static_cast<Eigen::Index>(c)]);
      prcc_b[c].push_back(rep.prcc[static_cast<Eigen::Index>(c)]);
    }
    ++out.resamples;
  }
  if (out.resamples == 0) return out;
  for (std::size_t c = 0; c < m; ++c) {
    const std::size_t j = varying[c];
    std::tie(out.src_lo[j], out.src_hi[j]) = percentile_bounds(src_b[c], level);
    std::tie(out.prcc_lo[j], out.prcc_hi[j]) = percentile_bounds(prcc_b[c], level);
  }
  return out;
}

}  // namespace pledgesim::analysis
