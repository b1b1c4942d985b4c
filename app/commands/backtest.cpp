// `pledgesim backtest`: calibrate on the targets up to a year, predict the
// later ones, and report the errors and the coverage of the 90% intervals.
#include <iostream>
#include <memory>

#include "app/calibration.hpp"
#include "app/commands/calibration_run.hpp"
#include "app/commands/command.hpp"
#include "app/run_command.hpp"

namespace pledgesim::app {

namespace {

struct BacktestOptions {
  std::string targets;
  int fit_until = 0;
  std::string out;
  std::size_t threads = 0;
  bool quiet = false;
  bool force = false;
};

int backtest_command(const BacktestOptions& o) {
  const CalibrationSpec spec = backtest_spec(load_calibration_spec(o.targets), o.fit_until);
  const CalibrationFiles files =
      calibration_files(o.targets, o.out, "backtest_" + std::to_string(o.fit_until), o.force);
  CalibrationResult result;
  if (!run_calibration(spec, o.threads, o.quiet, "backtest", result)) return kInterruptedExit;
  write_calibration_files(files, spec, result, o.quiet, "backtest");
  std::cout << format_backtest_table(spec, result) << '\n' << format_fit_table(spec, result);
  return 0;
}

}  // namespace

Command add_backtest_command(CLI::App& app) {
  auto o = std::make_shared<BacktestOptions>();
  auto* cmd = app.add_subcommand(
      "backtest",
      "Calibrate on the targets up to --fit-until YEAR and predict the later ones from the "
      "posterior ensemble: prints each held-out target's error and whether its 90% prediction "
      "interval covers it, then the calibration's tables");
  cmd->add_option("targets", o->targets, "Targets file (TOML), as for calibrate")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--fit-until", o->fit_until,
                  "Last year whose targets are fitted; later ones are predicted")
      ->required()
      ->check(CLI::Range(1900, 2200));
  cmd->add_option("--out", o->out,
                  "Result file (TOML; default results/backtest_<YEAR>_<targets name>.toml); the "
                  "ensemble goes beside it as <name>.ensemble.csv");
  cmd->add_option("--threads", o->threads, "Worker threads; 0 = all cores")
      ->check(CLI::Range(0, 4096));
  cmd->add_flag("--quiet,-q", o->quiet, "No progress lines on stderr");
  cmd->add_flag("--force", o->force, "Overwrite the result files if they exist");
  return {cmd, [o] { return backtest_command(*o); }};
}

}  // namespace pledgesim::app
