#include "analysis/cpp/smc_sampler.hpp"

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/core/random.hpp"

namespace pledgesim::analysis {

namespace {

constexpr double kImpossible = -std::numeric_limits<double>::infinity();

// Purposes of the random streams, so that one kind of draw never shifts another.
enum Purpose : std::uint64_t { kInitial = 1, kResample = 2, kPropose = 3, kAccept = 4 };

class Draws {
 public:
  explicit Draws(std::uint64_t seed) : seed_(seed) {}
  // Uniform in (0, 1) for (purpose, step, particle, draw).
  double uniform(Purpose purpose, std::uint64_t step, std::uint64_t particle,
                 std::uint64_t draw) const {
    const sim::RandomStreams streams(seed_, purpose);
    const auto w = streams.words(step, particle, draw / 4);
    return std::min(sim::u01(w[draw % 4]), std::nextafter(1.0, 0.0));
  }
  double normal(Purpose purpose, std::uint64_t step, std::uint64_t particle,
                std::uint64_t draw) const {
    return boost::math::quantile(boost::math::normal(), uniform(purpose, step, particle, draw));
  }

 private:
  std::uint64_t seed_;
};

double log_prior(const std::vector<UnitPrior>& priors, const Eigen::VectorXd& x) {
  double lp = 0;
  for (std::size_t k = 0; k < priors.size(); ++k) {
    const double u = x(static_cast<Eigen::Index>(k));
    if (!(u >= 0 && u <= 1)) return kImpossible;
    if (priors[k].normal) lp -= 0.5 * std::pow((u - priors[k].mean) / priors[k].sd, 2);
  }
  return lp;
}

// A draw from the prior: uniform, or the truncated normal by its inverse CDF.
double prior_draw(const UnitPrior& p, double u) {
  if (!p.normal) return u;
  const boost::math::normal n(p.mean, p.sd);
  const double lo = boost::math::cdf(n, 0.0), hi = boost::math::cdf(n, 1.0);
  const double q = std::clamp(lo + u * (hi - lo), 1e-300, std::nextafter(1.0, 0.0));
  return std::clamp(boost::math::quantile(n, q), 0.0, 1.0);
}

double clean(double ll) {
  return std::isnan(ll) ? kImpossible : ll;
}

// Effective sample size of the weights exp(delta * ll).
double ess_at(const std::vector<double>& ll, double delta) {
  double top = kImpossible;
  for (double v : ll) top = std::max(top, delta * v);
  double sum = 0, sum2 = 0;
  for (double v : ll) {
    const double w = v == kImpossible ? 0.0 : std::exp(delta * v - top);
    sum += w, sum2 += w * w;
  }
  return sum2 > 0 ? sum * sum / sum2 : 0.0;
}

class Sampler {
 public:
  Sampler(const BatchLikelihood& likelihood, const std::vector<UnitPrior>& priors,
          const SmcOptions& o, const SmcStageHook& on_stage)
      : f_(likelihood),
        priors_(priors),
        o_(o),
        on_stage_(on_stage),
        draws_(o.seed),
        dim_(priors.size()) {
    if (o.particles < 2) throw std::invalid_argument("the sampler needs at least 2 particles");
    scale_ = 2.38 / std::sqrt(static_cast<double>(std::max<std::size_t>(dim_, 1)));
  }

  SmcResult run() {
    const std::size_t n = o_.particles;
    std::vector<Eigen::VectorXd> x(n, Eigen::VectorXd(dim_));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < dim_; ++k)
        x[i](static_cast<Eigen::Index>(k)) =
            prior_draw(priors_[k], draws_.uniform(kInitial, 0, i, k));
    if (!affordable(n)) return finish(false);
    result_.particles = x;
    result_.evaluations = evaluate(x);
    double t = 0;
    for (std::uint64_t step = 1; t < 1; ++step) {
      const double delta = next_increment(t);
      reweight_and_resample(delta, step);
      t = delta >= 1 - t ? 1.0 : t + delta;
      SmcStage stage;
      stage.temperature = t;
      stage.ess = last_ess_;
      if (!move(t, step, stage)) return finish(false);
      result_.stages.push_back(stage);
      if (on_stage_) on_stage_(stage);
    }
    return finish(true);
  }

 private:
  const BatchLikelihood& f_;
  const std::vector<UnitPrior>& priors_;
  SmcOptions o_;
  const SmcStageHook& on_stage_;
  Draws draws_;
  std::size_t dim_;
  double scale_;
  double last_ess_ = 0;
  SmcResult result_;

  bool affordable(std::size_t batch) const {
    return result_.evaluations_used + static_cast<long>(batch) <= o_.max_evaluations;
  }

  std::vector<SmcEvaluation> evaluate(const std::vector<Eigen::VectorXd>& points) {
    std::vector<SmcEvaluation> out = f_(points);
    if (out.size() != points.size())
      throw std::logic_error("the likelihood returned the wrong number of evaluations");
    for (auto& e : out) e.log_likelihood = clean(e.log_likelihood);
    result_.evaluations_used += static_cast<long>(points.size());
    return out;
  }

  std::vector<double> log_likelihoods() const {
    std::vector<double> ll;
    for (const auto& e : result_.evaluations) ll.push_back(e.log_likelihood);
    return ll;
  }

  // The next temperature increment: the effective sample size falls to its
  // set fraction of the particles that are possible at all.
  double next_increment(double t) {
    const std::vector<double> ll = log_likelihoods();
    const auto possible = static_cast<double>(
        std::count_if(ll.begin(), ll.end(), [](double v) { return v != kImpossible; }));
    if (possible == 0)
      throw std::runtime_error(
          "every particle has zero likelihood: no parameter set drawn from the prior "
          "produces the targets (check the bounds and the targets)");
    const double target = o_.ess_fraction * possible;
    double hi = 1 - t;
    if (ess_at(ll, hi) >= target) return hi;
    double lo = 0;
    for (int i = 0; i < 100; ++i) {
      const double mid = 0.5 * (lo + hi);
      (ess_at(ll, mid) >= target ? lo : hi) = mid;
    }
    return hi;
  }

  void reweight_and_resample(double delta, std::uint64_t step) {
    const std::vector<double> ll = log_likelihoods();
    const std::size_t n = ll.size();
    last_ess_ = ess_at(ll, delta);
    double top = kImpossible;
    for (double v : ll) top = std::max(top, delta * v);
    std::vector<double> w(n);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i)
      sum += w[i] = ll[i] == kImpossible ? 0.0 : std::exp(delta * ll[i] - top);
    result_.log_evidence += top + std::log(sum / static_cast<double>(n));
    // Systematic resampling.
    std::vector<Eigen::VectorXd> x;
    std::vector<SmcEvaluation> e;
    const double u0 = draws_.uniform(kResample, step, 0, 0);
    double cumulative = 0;
    std::size_t i = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const double point = (static_cast<double>(j) + u0) / static_cast<double>(n) * sum;
      while (i + 1 < n && cumulative + w[i] < point) cumulative += w[i++];
      x.push_back(result_.particles[i]);
      e.push_back(result_.evaluations[i]);
    }
    result_.particles = std::move(x);
    result_.evaluations = std::move(e);
  }

  // Random-walk Metropolis steps at temperature t; false when the budget ran out.
  bool move(double t, std::uint64_t step, SmcStage& stage) {
    const std::size_t n = result_.particles.size();
    const auto d = static_cast<Eigen::Index>(dim_);
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(d);
    for (const auto& p : result_.particles) mean += p;
    mean /= static_cast<double>(n);
    Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(d, d);
    for (const auto& p : result_.particles) cov += (p - mean) * (p - mean).transpose();
    cov /= static_cast<double>(n - 1);
    cov += 1e-10 * Eigen::MatrixXd::Identity(d, d);
    const Eigen::MatrixXd chol = cov.llt().matrixL();
    int wanted = o_.min_moves;
    long accepted_total = 0;
    for (int m = 0; m < wanted; ++m) {
      const std::uint64_t counter = step * 1000 + static_cast<std::uint64_t>(m);
      std::vector<Eigen::VectorXd> proposals;
      std::vector<std::size_t> who;
      for (std::size_t i = 0; i < n; ++i) {
        Eigen::VectorXd z(d);
        for (Eigen::Index k = 0; k < d; ++k)
          z(k) = draws_.normal(kPropose, counter, i, static_cast<std::uint64_t>(k));
        Eigen::VectorXd y = result_.particles[i] + scale_ * chol * z;
        if (log_prior(priors_, y) == kImpossible) continue;  // outside the box: rejected
        proposals.push_back(std::move(y));
        who.push_back(i);
      }
      if (!affordable(proposals.size())) return false;
      const std::vector<SmcEvaluation> e = evaluate(proposals);
      long accepted = 0;
      for (std::size_t j = 0; j < who.size(); ++j) {
        const std::size_t i = who[j];
        const double old_ll = result_.evaluations[i].log_likelihood;
        const double new_ll = e[j].log_likelihood;
        if (new_ll == kImpossible) continue;
        const double log_alpha = (old_ll == kImpossible ? 0.0 : t * (new_ll - old_ll)) +
                                 log_prior(priors_, proposals[j]) -
                                 log_prior(priors_, result_.particles[i]);
        if (std::log(draws_.uniform(kAccept, counter, i, 0)) < log_alpha) {
          result_.particles[i] = proposals[j];
          result_.evaluations[i] = e[j];
          ++accepted;
        }
      }
      accepted_total += accepted;
      if (m == 0) {  // enough steps that most particles move at least once
        const double rate = static_cast<double>(accepted) / static_cast<double>(n);
        const double steps = rate <= 0 ? o_.max_moves
                             : rate >= 1
                                 ? 1
                                 : std::ceil(std::log(1 - o_.moved_fraction) / std::log(1 - rate));
        wanted = std::clamp(static_cast<int>(steps), o_.min_moves, o_.max_moves);
      }
    }
    stage.moves = wanted;
    stage.acceptance = static_cast<double>(accepted_total) /
                       static_cast<double>(n * static_cast<std::size_t>(wanted));
    stage.evaluations = result_.evaluations_used;
    // Keep about a quarter of proposals accepted at the next temperature.
    scale_ = std::clamp(scale_ * std::exp(2 * (stage.acceptance - 0.25)), 0.01, 3.0);
    return true;
  }

  SmcResult finish(bool reached) {
    result_.reached_posterior = reached;
    return std::move(result_);
  }
};

}  // namespace

SmcResult sample_posterior(const BatchLikelihood& likelihood, const std::vector<UnitPrior>& priors,
                           const SmcOptions& options, const SmcStageHook& on_stage) {
  return Sampler(likelihood, priors, options, on_stage).run();
}

double sample_quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double h = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

}  // namespace pledgesim::analysis
