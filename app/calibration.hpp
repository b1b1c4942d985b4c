// Calibration by the method of simulated moments: choose behavioural
// parameters (within bounds) so that a scenario's simulated annual indicators
// match observed ones. Each trial point runs the same replications (the same
// seeds: common random numbers, so the objective changes with the
// parameters, not the luck of the draw); the objective is the sum over
// targets of ((simulated mean - observed) / sd)^2; Nelder-Mead searches the
// bounded parameter box.
//
// A targets file (TOML) names the scenario, the parameters with their bounds
// and the targets with their sources; see docs/calibration.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace pledgesim::app {

struct CalibrationParameter {
  std::string key;  // a scenario key, e.g. "behaviour.agency_taste_mean"
  double min = 0, max = 0;
  std::optional<double> start;  // default: the scenario's value
};

struct CalibrationTarget {
  std::string indicator;  // an indicator of `pledgesim summarize`, e.g. "agency_rate"
  std::string group;      // a group of `summarize --by region`, e.g. "London", "Inner London"
  int year = 0;           // year to 30 September (or financial year ending then)
  double observed = 0;
  double sd = 1;  // size of a miss that counts 1 in the objective
  std::string source;
};

struct CalibrationSpec {
  std::filesystem::path file;      // the targets file
  std::filesystem::path scenario;  // empty: the built-in default
  std::optional<std::int64_t> years;
  std::uint64_t seed = 1;
  std::size_t replications = 4;
  int max_evaluations = 60;
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
  double contribution = 0;              // ((mean - observed) / sd)^2
};

struct CalibrationPoint {
  std::vector<double> values;  // one per parameter
  double objective = 0;
  std::vector<TargetFit> fits;
};

struct CalibrationResult {
  CalibrationPoint start, best;
  int evaluations = 0;
  bool converged = false;
};

// The scenario every evaluation starts from: the spec's scenario (or the
// built-in one) with its years and seed, read once.
models::Scenario calibration_base(const CalibrationSpec& spec);

// Runs `base` with the parameters set to `values` (through the scenario
// schema) in memory, and returns the fit. Throws CalibrationInterrupted when
// Ctrl-C or SIGTERM stopped the run.
CalibrationPoint evaluate_point(const CalibrationSpec& spec, const models::Scenario& base,
                                const std::vector<double>& values, std::size_t threads);

struct CalibrationInterrupted : std::runtime_error {
  CalibrationInterrupted() : std::runtime_error("interrupted") {}
};

using CalibrationProgress = std::function<void(int evaluation, const CalibrationPoint& point,
                                               const CalibrationPoint& best)>;

CalibrationResult calibrate(const CalibrationSpec& spec, std::size_t threads,
                            const CalibrationProgress& progress = {});

// The fit table (target, observed, simulated mean, 90% interval) in Markdown.
std::string format_fit_table(const CalibrationSpec& spec, const CalibrationResult& result);
// The result as TOML: fitted values (nested as in a scenario file, ready to
// paste), objective, and per-target fit.
std::string calibration_result_toml(const CalibrationSpec& spec, const CalibrationResult& result);

}  // namespace pledgesim::app
