// Calibration's evaluations and its three steps: best fit, misfit scale,
// posterior (app/calibration.hpp).
#include "app/calibration.hpp"

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>

#include "analysis/cpp/indicators.hpp"
#include "analysis/cpp/intervals.hpp"
#include "analysis/cpp/run_memory.hpp"
#include "models/runner.hpp"
#include "models/scenario_schema.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/random.hpp"
#include "sim/io/memory_recorder.hpp"

namespace pledgesim::app {

namespace an = pledgesim::analysis;

namespace {

double scenario_value(models::Scenario s, const std::string& key) {
  if (const models::ParamDef* p = models::find_param(key, s))
    return std::visit([](auto* v) { return static_cast<double>(*v); }, p->target(s));
  return 0;
}

// Sets a numeric key (calibration accepts floating-point keys only).
void set_scenario_value(models::Scenario& s, const std::string& key, double value) {
  if (const models::ParamDef* p = models::find_param(key, s)) {
    *std::get<double*>(p->target(s)) = value;
    return;
  }
  throw std::logic_error("calibration parameter " + key + " is not a scenario key");
}

// chi^2 of `point`, and each fitted target's own share (its miss over its sigma, squared).
void score(CalibrationPoint& point, const MissWeights& weights) {
  std::vector<double> misses;
  for (std::size_t k = 0; k < point.fits.size(); ++k) {
    TargetFit& fit = point.fits[k];
    misses.push_back(fit.mean - fit.target.observed);
    fit.contribution = fit.target.fitted ? std::pow(misses.back() / weights.sigma(k), 2) : 0.0;
    if (!std::isfinite(fit.contribution)) fit.contribution = 1e6;  // e.g. a 0/0 rate
  }
  point.objective = weights.chi2(misses);
}

// Box coordinates <-> parameter values.
struct Box {
  const std::vector<CalibrationParameter>& p;
  std::vector<double> values(const Eigen::VectorXd& u) const {
    std::vector<double> v;
    for (std::size_t k = 0; k < p.size(); ++k)
      v.push_back(p[k].min + u(static_cast<Eigen::Index>(k)) * (p[k].max - p[k].min));
    return v;
  }
  double unit(std::size_t k, double x) const { return (x - p[k].min) / (p[k].max - p[k].min); }
};

std::vector<an::UnitPrior> unit_priors(const std::vector<CalibrationParameter>& parameters) {
  std::vector<an::UnitPrior> priors;
  for (const auto& p : parameters) {
    an::UnitPrior u;
    if (p.prior_mean && p.prior_sd) {
      u.normal = true;
      u.mean = (*p.prior_mean - p.min) / (p.max - p.min);
      u.sd = *p.prior_sd / (p.max - p.min);
    }
    priors.push_back(u);
  }
  return priors;
}

// The prior's 5% and 95% quantiles, in the parameter's units.
std::pair<double, double> prior_interval(const CalibrationParameter& p) {
  if (!(p.prior_mean && p.prior_sd))
    return {p.min + 0.05 * (p.max - p.min), p.min + 0.95 * (p.max - p.min)};
  const boost::math::normal n(*p.prior_mean, *p.prior_sd);
  const double lo = boost::math::cdf(n, p.min), hi = boost::math::cdf(n, p.max);
  return {boost::math::quantile(n, lo + 0.05 * (hi - lo)),
          boost::math::quantile(n, lo + 0.95 * (hi - lo))};
}

// The particles in a random order (Fisher-Yates on counter-based numbers):
// resampling leaves copies of one ancestor side by side, and a run with
// fewer replications than sets uses the first ones (models::assign_sets).
an::SmcResult shuffled(an::SmcResult smc, std::uint64_t seed) {
  const sim::RandomStreams streams(seed, 0x5348554646ULL);  // "SHUFF"
  for (std::size_t i = smc.particles.size(); i > 1; --i) {
    const double u = sim::u01(streams.words(0, i, 0)[0]);
    const auto j = std::min(i - 1, static_cast<std::size_t>(u * static_cast<double>(i)));
    std::swap(smc.particles[i - 1], smc.particles[j]);
    std::swap(smc.evaluations[i - 1], smc.evaluations[j]);
  }
  return smc;
}

PosteriorResult summarise_posterior(const CalibrationSpec& spec, const an::SmcResult& smc,
                                    const Box& box, const std::vector<double>& sigma) {
  PosteriorResult post;
  post.stages = smc.stages;
  post.evaluations = smc.evaluations_used;
  post.reached = smc.reached_posterior;
  const std::size_t n = smc.particles.size();
  for (const auto& p : spec.parameters) post.ensemble.keys.push_back(p.key);
  post.ensemble.weights.assign(n, 1.0 / static_cast<double>(n));
  for (const auto& x : smc.particles) post.ensemble.sets.push_back(box.values(x));
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    std::vector<double> v;
    for (const auto& set : post.ensemble.sets) v.push_back(set[k]);
    ParameterPosterior pp;
    for (double x : v) pp.mean += x / static_cast<double>(n);
    pp.median = an::sample_quantile(v, 0.5);
    pp.lo90 = an::sample_quantile(v, 0.05);
    pp.hi90 = an::sample_quantile(v, 0.95);
    std::tie(pp.prior_lo90, pp.prior_hi90) = prior_interval(spec.parameters[k]);
    pp.width_ratio = (pp.hi90 - pp.lo90) / (pp.prior_hi90 - pp.prior_lo90);
    post.parameters.push_back(pp);
  }
  constexpr double z90 = 1.6448536269514722;
  for (std::size_t k = 0; k < spec.targets.size(); ++k) {
    std::vector<double> v;
    for (const auto& e : smc.evaluations) v.push_back(e.outputs[k]);
    TargetPrediction tp;
    tp.observed = spec.targets[k].observed;
    double var = 0;
    for (double x : v) tp.mean += x / static_cast<double>(n);
    for (double x : v) var += (x - tp.mean) * (x - tp.mean) / static_cast<double>(n - 1);
    tp.lo90 = an::sample_quantile(v, 0.05);
    tp.hi90 = an::sample_quantile(v, 0.95);
    const double half = z90 * std::sqrt(var + sigma[k] * sigma[k]);
    tp.observed_lo90 = tp.mean - half;
    tp.observed_hi90 = tp.mean + half;
    post.targets.push_back(tp);
  }
  return post;
}

}  // namespace

bool TargetPrediction::covers() const {
  return observed >= observed_lo90 && observed <= observed_hi90;
}

CalibrationPoint evaluate_point(const CalibrationSpec& spec, const models::Scenario& base,
                                const std::vector<double>& values, std::size_t threads,
                                const MissWeights* weights) {
  models::Scenario scenario = base;
  for (std::size_t k = 0; k < values.size(); ++k)
    set_scenario_value(scenario, spec.parameters[k].key, values[k]);
  sim::MemoryRecorder recorder;
  models::RunSettings settings;
  settings.replications = spec.replications;
  settings.threads = threads;
  if (models::run_scenario(scenario, recorder, settings).status !=
      models::RunOutcome::Status::kCompleted)
    throw CalibrationInterrupted();

  std::vector<std::string> names;
  for (const auto& t : spec.targets)
    if (std::find(names.begin(), names.end(), t.indicator) == names.end())
      names.push_back(t.indicator);
  const an::IndicatorTable table =
      an::compute_indicators(an::run_in_memory(recorder), an::Grouping::kRegion, names);

  CalibrationPoint point;
  point.values = values;
  for (const auto& t : spec.targets) {
    TargetFit fit;
    fit.target = t;
    const auto replicates = an::find_replicates(table, t.indicator, t.group, t.year);
    if (!replicates)
      throw std::runtime_error("target " + t.indicator + " / " + t.group + " / " +
                               std::to_string(t.year) + " is not in the run (group or year)");
    const an::Interval iv = an::mean_interval(*replicates);
    fit.mean = iv.mean, fit.lo90 = iv.lo, fit.hi90 = iv.hi;
    double ss = 0;
    std::size_t finite = 0;
    for (double x : *replicates)
      if (std::isfinite(x)) ss += (x - iv.mean) * (x - iv.mean), ++finite;
    fit.noise = finite > 1
                    ? std::sqrt(ss / static_cast<double>(finite - 1) / static_cast<double>(finite))
                    : 0.0;
    fit.replicates.assign(replicates->begin(), replicates->end());
    point.fits.push_back(fit);
  }
  score(point, weights ? *weights : MissWeights(spec.targets));
  return point;
}

CalibrationResult calibrate(const CalibrationSpec& spec, std::size_t threads,
                            const CalibrationProgress& progress) {
  const models::Scenario base = calibration_base(spec);
  const Box box{spec.parameters};
  const auto n = static_cast<Eigen::Index>(spec.parameters.size());
  Eigen::VectorXd start(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const auto& p = spec.parameters[static_cast<std::size_t>(k)];
    start(k) = box.unit(static_cast<std::size_t>(k),
                        p.start.value_or(std::clamp(scenario_value(base, p.key), p.min, p.max)));
  }
  CalibrationResult result;
  // The targets' covariance between replications, measured once at the
  // start with more replications than each evaluation runs.
  CalibrationSpec noisy = spec;
  noisy.replications = std::max(spec.noise_replications, spec.replications);
  const CalibrationPoint measured = evaluate_point(noisy, base, box.values(start), threads);
  std::vector<std::vector<double>> replicates;
  for (const auto& f : measured.fits) replicates.push_back(f.replicates);
  MissWeights weights(spec.targets, replicates, spec.replications);
  result.start = evaluate_point(spec, base, box.values(start), threads, &weights);
  result.best = result.start;

  // 1. The best fit.
  int evaluation = 0;
  const int budget = spec.max_evaluations;
  const an::Objective objective = [&](const Eigen::VectorXd& u) {
    CalibrationPoint point = evaluate_point(spec, base, box.values(u), threads, &weights);
    if (point.objective < result.best.objective) result.best = point;
    if (progress) {
      char line[96];
      std::snprintf(line, sizeof line, "objective %.4g  best %.4g", point.objective,
                    result.best.objective);
      progress("optimiser", ++evaluation, budget, line);
    }
    return point.objective;
  };
  an::BoxOptimiserOptions o;
  o.global_evaluations = budget / 2;
  o.local_evaluations = budget - o.global_evaluations;
  o.local_method = spec.local_method;
  o.seed = spec.seed;
  const an::BoxOptimiserResult opt = an::minimise_in_unit_box(objective, start, o);
  result.evaluations = opt.evaluations;
  result.converged = opt.converged;
  result.flat = opt.flat;
  result.stages = opt.stages;
  result.trace = opt.trace;

  // 2. The misfit scale: chi^2 per degree of freedom at the best fit.
  std::size_t fitted = 0;
  for (const auto& t : spec.targets) fitted += t.fitted;
  const double dof =
      static_cast<double>(std::max<std::ptrdiff_t>(1, static_cast<std::ptrdiff_t>(fitted) - n));
  if (spec.posterior.scale_for_misfit && result.best.objective > dof)
    result.misfit_scale = std::sqrt(result.best.objective / dof);
  weights.scale(result.misfit_scale);
  for (std::size_t k = 0; k < spec.targets.size(); ++k) result.sigma.push_back(weights.sigma(k));

  // 3. The posterior.
  if (spec.posterior.particles == 0) return result;
  const std::vector<double>& sigma = result.sigma;
  std::atomic<long> done{0};
  std::string stage_note;  // the last tempering step, for the progress lines
  std::size_t steps = 0;
  const an::BatchLikelihood likelihood = [&](const std::vector<Eigen::VectorXd>& points) {
    std::vector<an::SmcEvaluation> out(points.size());
    sim::for_each_index(points.size(), [&](std::size_t i) {
      const CalibrationPoint p =
          evaluate_point(spec, base, box.values(points[i]), threads, &weights);
      out[i].log_likelihood = -0.5 * p.objective;
      for (const auto& f : p.fits) out[i].outputs.push_back(f.mean);
    });
    done += static_cast<long>(points.size());
    if (progress) progress("posterior", done, spec.posterior.max_evaluations, stage_note);
    return out;
  };
  an::SmcOptions so;
  so.particles = spec.posterior.particles;
  so.max_evaluations = spec.posterior.max_evaluations;
  so.ess_fraction = spec.posterior.ess_fraction;
  so.min_moves = spec.posterior.min_moves;
  so.max_moves = spec.posterior.max_moves;
  so.seed = spec.seed;
  const an::SmcResult smc = shuffled(
      an::sample_posterior(likelihood, unit_priors(spec.parameters), so,
                           [&](const an::SmcStage& st) {
                             char line[96];
                             std::snprintf(line, sizeof line, "temperature %.4g after step %zu",
                                           st.temperature, ++steps);
                             stage_note = line;
                           }),
      spec.seed);
  if (smc.particles.empty()) throw std::runtime_error("the posterior sampler drew no particles");
  result.posterior = summarise_posterior(spec, smc, box, sigma);
  return result;
}

}  // namespace pledgesim::app
