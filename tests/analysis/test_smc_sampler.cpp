// The posterior sampler (SMC with likelihood tempering) against exact
// posteriors: a linear-Gaussian model, whose posterior is known in closed
// form, recovers known parameters from noisy data with honest 90%
// intervals; a parameter the data do not depend on keeps its prior.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "analysis/cpp/smc_sampler.hpp"

namespace pa = pledgesim::analysis;

namespace {

// y = A theta + N(0, sigma^2 I): 12 observations of 3 parameters in [0, 1]^3.
struct LinearModel {
  Eigen::MatrixXd a;
  double sigma = 0.05;
  Eigen::VectorXd y;
  LinearModel(const Eigen::VectorXd& truth, unsigned seed) : a(12, 3) {
    std::mt19937_64 g(42);
    std::normal_distribution<double> z;
    for (Eigen::Index i = 0; i < a.rows(); ++i)
      for (Eigen::Index k = 0; k < a.cols(); ++k) a(i, k) = z(g);
    std::mt19937_64 noise(seed);
    y = a * truth;
    for (Eigen::Index i = 0; i < y.size(); ++i) y(i) += sigma * z(noise);
  }
  pa::BatchLikelihood likelihood() const {
    return [this](const std::vector<Eigen::VectorXd>& points) {
      std::vector<pa::SmcEvaluation> out;
      for (const auto& p : points) {
        const Eigen::VectorXd r = (a * p - y) / sigma;
        out.push_back({-0.5 * r.squaredNorm(), {p(0) + p(1)}});
      }
      return out;
    };
  }
  // The exact posterior under a flat prior (the box is far from the mass).
  Eigen::VectorXd posterior_mean() const {
    return (a.transpose() * a).ldlt().solve(a.transpose() * y);
  }
  Eigen::MatrixXd posterior_cov() const { return (a.transpose() * a / (sigma * sigma)).inverse(); }
};

std::vector<double> column(const pa::SmcResult& r, Eigen::Index k) {
  std::vector<double> v;
  for (const auto& p : r.particles) v.push_back(p(k));
  return v;
}

pa::SmcOptions options(std::uint64_t seed) {
  pa::SmcOptions o;
  o.particles = 400;
  o.seed = seed;
  o.max_evaluations = 200000;
  return o;
}

}  // namespace

TEST(SmcSampler, MatchesTheExactLinearGaussianPosterior) {
  const Eigen::Vector3d truth(0.3, 0.6, 0.45);
  const LinearModel m(truth, 7);
  const auto r = pa::sample_posterior(m.likelihood(), std::vector<pa::UnitPrior>(3), options(3));
  ASSERT_TRUE(r.reached_posterior);
  ASSERT_EQ(r.particles.size(), 400u);
  EXPECT_DOUBLE_EQ(r.stages.back().temperature, 1.0);
  const Eigen::VectorXd mean = m.posterior_mean();
  const Eigen::MatrixXd cov = m.posterior_cov();
  for (Eigen::Index k = 0; k < 3; ++k) {
    const auto v = column(r, k);
    double mu = 0, var = 0;
    for (double x : v) mu += x;
    mu /= static_cast<double>(v.size());
    for (double x : v) var += (x - mu) * (x - mu);
    var /= static_cast<double>(v.size() - 1);
    const double sd = std::sqrt(cov(k, k));
    EXPECT_NEAR(mu, mean(k), 0.25 * sd) << "parameter " << k;
    EXPECT_NEAR(std::sqrt(var), sd, 0.25 * sd) << "parameter " << k;
  }
  // Outputs travel with their particle.
  for (std::size_t i = 0; i < r.particles.size(); ++i)
    EXPECT_DOUBLE_EQ(r.evaluations[i].outputs[0], r.particles[i](0) + r.particles[i](1));
}

TEST(SmcSampler, NinetyPercentIntervalsCoverTheTruthOverSeeds) {
  int covered = 0, total = 0;
  std::mt19937_64 g(11);
  std::uniform_real_distribution<double> u(0.2, 0.8);
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const Eigen::Vector3d truth(u(g), u(g), u(g));
    const LinearModel m(truth, 100 + seed);
    auto o = options(seed);
    o.particles = 200;
    const auto r = pa::sample_posterior(m.likelihood(), std::vector<pa::UnitPrior>(3), o);
    for (Eigen::Index k = 0; k < 3; ++k, ++total) {
      const auto v = column(r, k);
      covered +=
          pa::sample_quantile(v, 0.05) <= truth(k) && truth(k) <= pa::sample_quantile(v, 0.95);
    }
  }
  EXPECT_GE(covered, static_cast<int>(std::ceil(0.8 * total))) << covered << " of " << total;
}

TEST(SmcSampler, AParameterTheDataIgnoreKeepsItsPrior) {
  // The likelihood depends on the first coordinate only.
  const auto f = [](const std::vector<Eigen::VectorXd>& points) {
    std::vector<pa::SmcEvaluation> out;
    for (const auto& p : points) out.push_back({-0.5 * std::pow((p(0) - 0.4) / 0.02, 2), {}});
    return out;
  };
  const auto r = pa::sample_posterior(f, std::vector<pa::UnitPrior>(2), options(5));
  ASSERT_TRUE(r.reached_posterior);
  const auto identified = column(r, 0), ignored = column(r, 1);
  EXPECT_NEAR(pa::sample_quantile(identified, 0.5), 0.4, 0.01);
  EXPECT_LT(pa::sample_quantile(identified, 0.95) - pa::sample_quantile(identified, 0.05), 0.1);
  // Uniform prior: the 90% interval is [0.05, 0.95].
  const double width = pa::sample_quantile(ignored, 0.95) - pa::sample_quantile(ignored, 0.05);
  EXPECT_GT(width, 0.75);
  EXPECT_LE(width, 1.0);
}

TEST(SmcSampler, ANormalPriorPullsAWeaklyIdentifiedParameter) {
  // No data at all: the sample is the truncated normal prior itself.
  const auto flat = [](const std::vector<Eigen::VectorXd>& points) {
    return std::vector<pa::SmcEvaluation>(points.size());
  };
  const std::vector<pa::UnitPrior> prior = {{true, 0.3, 0.05}};
  const auto r = pa::sample_posterior(flat, prior, options(2));
  const auto v = column(r, 0);
  EXPECT_NEAR(pa::sample_quantile(v, 0.5), 0.3, 0.01);
  EXPECT_NEAR(pa::sample_quantile(v, 0.95) - pa::sample_quantile(v, 0.05), 2 * 1.645 * 0.05, 0.02);
}

TEST(SmcSampler, IsDeterministicAndStopsAtItsBudget) {
  const LinearModel m(Eigen::Vector3d(0.3, 0.6, 0.45), 7);
  auto o = options(9);
  o.particles = 100;
  const auto a = pa::sample_posterior(m.likelihood(), std::vector<pa::UnitPrior>(3), o);
  const auto b = pa::sample_posterior(m.likelihood(), std::vector<pa::UnitPrior>(3), o);
  ASSERT_EQ(a.particles.size(), b.particles.size());
  for (std::size_t i = 0; i < a.particles.size(); ++i)
    EXPECT_TRUE(a.particles[i] == b.particles[i]);
  o.max_evaluations = 500;
  const auto cut = pa::sample_posterior(m.likelihood(), std::vector<pa::UnitPrior>(3), o);
  EXPECT_FALSE(cut.reached_posterior);
  EXPECT_LE(cut.evaluations_used, 500);
}
