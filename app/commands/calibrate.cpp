// `pledgesim calibrate`: fit parameters to observed indicators and sample
// their posterior (app/calibration.cpp).
#include <iostream>
#include <memory>

#include "app/calibration.hpp"
#include "app/commands/calibration_run.hpp"
#include "app/commands/command.hpp"
#include "app/run_command.hpp"

namespace pledgesim::app {

namespace {

struct CalibrateOptions {
  std::string targets;
  std::string out;
  std::size_t threads = 0;
  bool quiet = false;
  bool force = false;
};

int calibrate_command(const CalibrateOptions& o) {
  const CalibrationSpec spec = load_calibration_spec(o.targets);
  const CalibrationFiles files = calibration_files(o.targets, o.out, "calibration", o.force);
  CalibrationResult result;
  if (!run_calibration(spec, o.threads, o.quiet, "calibrate", result)) return kInterruptedExit;
  write_calibration_files(files, spec, result, o.quiet, "calibrate");
  std::cout << format_fit_table(spec, result);
  return 0;
}

}  // namespace

Command add_calibrate_command(CLI::App& app) {
  auto o = std::make_shared<CalibrateOptions>();
  auto* cmd = app.add_subcommand(
      "calibrate",
      "Fit behavioural parameters to observed indicators (NLopt: global then local search, "
      "replications with common random numbers), then sample their posterior by sequential "
      "Monte Carlo; prints the parameter, fit and convergence tables and writes the ensemble "
      "for run --parameters");
  cmd->add_option("targets", o->targets,
                  "Targets file (TOML): scenario, [[parameters]] with bounds and priors, "
                  "[[targets]] with observed values and uncertainties; see docs/calibration.md")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out,
                  "Result file (TOML; default results/calibration_<targets name>.toml); the "
                  "ensemble goes beside it as <name>.ensemble.csv");
  cmd->add_option("--threads", o->threads, "Worker threads; 0 = all cores")
      ->check(CLI::Range(0, 4096));
  cmd->add_flag("--quiet,-q", o->quiet, "No progress lines on stderr");
  cmd->add_flag("--force", o->force, "Overwrite the result files if they exist");
  return {cmd, [o] { return calibrate_command(*o); }};
}

}  // namespace pledgesim::app
