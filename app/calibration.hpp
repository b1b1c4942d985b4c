// Calibration: choose behavioural parameters (within bounds) so that a
// scenario's simulated annual indicators match observed ones, and say how
// sure the fit is.
//
// Every evaluation runs the same replications (the same seeds: common random
// numbers, so the fit changes with the parameters, not the luck of the
// draw). The misses are weighed by the targets' uncertainty: each one's
// model discrepancy (sd) and rounding, and the covariance of the targets
// between replications, measured at the start point (app/calibration_weights.hpp).
// The objective is chi^2 = r' S^-1 r; the likelihood exp(-chi^2 / 2).
//
//  1. The optimiser (NLopt: CRS2-LM over the box, then Subplex) finds the
//     best fit (analysis/cpp/box_optimiser.hpp).
//  2. Where the best fit still misses by more than the sigmas allow
//     (chi^2 / degrees of freedom > 1), every sigma is scaled up by the
//     square root of that ratio (the Birge ratio): the misfit is counted as
//     uncertainty, not ignored.
//  3. A sequential Monte Carlo sampler draws the Bayesian posterior of the
//     parameters (priors: uniform on the bounds, or truncated normal)
//     (analysis/cpp/smc_sampler.hpp): an ensemble of equally weighted
//     parameter sets, written as CSV for `run --parameters`.
//
// A targets file (TOML) names the scenario, the parameters with bounds and
// priors, and the targets with their sources; see docs/calibration.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/cpp/box_optimiser.hpp"
#include "analysis/cpp/smc_sampler.hpp"
#include "app/calibration_weights.hpp"
#include "models/parameter_ensemble.hpp"
#include "models/scenario.hpp"

namespace pledgesim::app {

struct CalibrationParameter {
  std::string key;  // a scenario key, e.g. "behaviour.agency_taste_mean"
  double min = 0, max = 0;
  std::optional<double> start;  // default: the scenario's value
  // Prior: uniform on [min, max], or normal(prior_mean, prior_sd) truncated to it.
  std::optional<double> prior_mean, prior_sd;
  std::string source;  // where the bounds or prior come from
};

struct CalibrationTarget {
  std::string indicator;  // an indicator of `pledgesim summarize`, e.g. "agency_rate"
  std::string group;      // a group of `summarize --by region`, e.g. "London", "Inner London"
  int year = 0;           // year to 30 September (or financial year ending then)
  double observed = 0;
  double sd = 1;        // model discrepancy: how far the model may miss
  double rounding = 0;  // half the unit the figure is published to (0.05 for one decimal)
  std::string source;
  bool fitted = true;  // false: held out (a backtest predicts it instead)
};

struct PosteriorSettings {
  std::size_t particles = 200;  // 0: no posterior, the best fit only
  long max_evaluations = 20000;
  double ess_fraction = 0.5;
  int min_moves = 2, max_moves = 8;
  bool scale_for_misfit = true;  // the Birge ratio (step 2 above)
};

struct CalibrationSpec {
  std::filesystem::path file;      // the targets file
  std::filesystem::path scenario;  // empty: the built-in default
  std::optional<std::int64_t> years;
  std::uint64_t seed = 1;
  std::size_t replications = 4;
  std::size_t noise_replications = 16;  // to measure the targets' covariance at the start
  int max_evaluations = 60;             // the optimiser's, both stages together
  std::string local_method = "sbplx";
  PosteriorSettings posterior;
  std::vector<CalibrationParameter> parameters;
  std::vector<CalibrationTarget> targets;
};

// Reads and checks a targets file; throws models::ScenarioError naming the
// file, line and key of every problem.
CalibrationSpec load_calibration_spec(const std::filesystem::path& file);
// The same for the text of a targets file, read from `file`; the scenario
// comes from `files` (the fuzz targets keep it in memory).
CalibrationSpec parse_calibration_spec(const std::string& text, const std::filesystem::path& file,
                                       const models::ScenarioFiles& files = models::disk_files());

struct TargetFit {
  CalibrationTarget target;
  double mean = 0, lo90 = 0, hi90 = 0;  // across replications (t-interval of the mean)
  double noise = 0;                     // standard error of the mean across replications
  double contribution = 0;              // ((mean - observed) / sigma)^2; 0 when held out
  std::vector<double> replicates;       // the replications' values
};

struct CalibrationPoint {
  std::vector<double> values;  // one per parameter
  double objective = 0;        // chi^2 over the fitted targets (MissWeights)
  std::vector<TargetFit> fits;
};

// One parameter's posterior, in its own units.
struct ParameterPosterior {
  double mean = 0, median = 0, lo90 = 0, hi90 = 0;
  double prior_lo90 = 0, prior_hi90 = 0;
  // Posterior 90% width over the prior's: near 1, the targets do not pin it down.
  double width_ratio = 0;
  bool poorly_identified() const { return width_ratio > 0.5; }
};

// The posterior predictive of one target: the ensemble's simulated means,
// and the interval where the observed figure should fall (their spread plus
// the target's sigma).
struct TargetPrediction {
  double mean = 0, lo90 = 0, hi90 = 0;  // of the simulated mean over the ensemble
  double observed_lo90 = 0, observed_hi90 = 0;
  bool covers() const;  // observed within [observed_lo90, observed_hi90]
  double observed = 0;
};

struct PosteriorResult {
  models::ParameterEnsemble ensemble;  // equally weighted sets
  std::vector<ParameterPosterior> parameters;
  std::vector<TargetPrediction> targets;  // one per spec target
  std::vector<analysis::SmcStage> stages;
  long evaluations = 0;
  bool reached = false;  // the sampler reached the posterior within its budget
};

struct CalibrationResult {
  CalibrationPoint start, best;
  int evaluations = 0;  // the optimiser's
  bool converged = false;
  // Every optimiser evaluation gave the same chi^2 (to its relative
  // tolerance): the targets cannot move the parameters (see warning()).
  bool flat = false;
  std::vector<analysis::OptimiserStage> stages;
  std::vector<double> trace;  // the objective at each optimiser evaluation
  std::vector<double> sigma;  // each target's sqrt(S_kk), misfit scale included
  double misfit_scale = 1;    // the Birge ratio's square root (>= 1), applied to S
  std::optional<PosteriorResult> posterior;
};

// The scenario every evaluation starts from: the spec's scenario (or the
// built-in one) with its years and seed, read once.
models::Scenario calibration_base(const CalibrationSpec& spec);

// Runs `base` with the parameters set to `values` (through the scenario
// schema) in memory, and returns the fit; `weights` weigh the misses (null:
// the data's uncertainty alone). Throws CalibrationInterrupted when Ctrl-C
// or SIGTERM stopped the run.
CalibrationPoint evaluate_point(const CalibrationSpec& spec, const models::Scenario& base,
                                const std::vector<double>& values, std::size_t threads,
                                const MissWeights* weights = nullptr);

struct CalibrationInterrupted : std::runtime_error {
  CalibrationInterrupted() : std::runtime_error("interrupted") {}
};

// Progress: a stage name ("optimiser", "posterior"), what is done of what,
// and a line of detail.
using CalibrationProgress =
    std::function<void(const std::string& stage, long done, long of, const std::string& detail)>;

CalibrationResult calibrate(const CalibrationSpec& spec, std::size_t threads,
                            const CalibrationProgress& progress = {});

// What the user must know before trusting the fit (a flat objective), in a
// sentence; empty when there is nothing to say.
std::string calibration_warning(const CalibrationResult& result);

// The tables of `pledgesim calibrate` in Markdown: parameters (start, best
// fit, posterior with its 90% interval), then targets (observed, best fit,
// posterior 90% interval), then the convergence report.
std::string format_fit_table(const CalibrationSpec& spec, const CalibrationResult& result);
// The result as TOML: fitted values (nested as in a scenario file, ready to
// paste), objective, convergence, the posterior summary and per-target fit.
std::string calibration_result_toml(const CalibrationSpec& spec, const CalibrationResult& result);
// The ensemble's CSV text (for `run --parameters`), with a comment saying
// where it comes from.
std::string calibration_ensemble_csv(const CalibrationSpec& spec, const CalibrationResult& result);

// The backtest: fit on the targets up to `fit_until` (inclusive), predict the
// later ones. Throws sim::InputError when either side has no target.
CalibrationSpec backtest_spec(CalibrationSpec spec, int fit_until);
// The held-out targets' table: observed, predicted, error, 90% interval,
// covered; then the mean absolute error and the coverage.
std::string format_backtest_table(const CalibrationSpec& spec, const CalibrationResult& result);

}  // namespace pledgesim::app
