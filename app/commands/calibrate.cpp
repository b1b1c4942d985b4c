// `pledgesim calibrate`: fit parameters to observed indicators (app/calibration.cpp).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/calibration.hpp"
#include "app/commands/command.hpp"
#include "app/run_command.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/io/output_file.hpp"

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
  const std::string out =
      o.out.empty()
          ? "results/calibration_" + std::filesystem::path(o.targets).stem().string() + ".toml"
          : o.out;
  if (const auto problem = sim::output_file_problem(out, o.force)) throw sim::InputError(*problem);
  const auto progress = [&](int k, const CalibrationPoint& point, const CalibrationPoint& best) {
    if (o.quiet) return;
    std::fprintf(stderr, "pledgesim calibrate: evaluation %d/%d  objective %.4g  best %.4g\n", k,
                 spec.max_evaluations, point.objective, best.objective);
  };
  const sim::InterruptGuard interrupt_guard;
  CalibrationResult result;
  try {
    result = calibrate(spec, o.threads, progress);
  } catch (const CalibrationInterrupted&) {
    std::cerr << "pledgesim calibrate: interrupted; nothing was written (a calibration starts "
                 "again from its first evaluation)\n";
    return kInterruptedExit;
  }
  const std::string text = calibration_result_toml(spec, result);
  sim::write_file_atomically(out, text);  // WriteError: exit 1
  std::cout << format_fit_table(spec, result);
  if (!o.quiet) std::cerr << "pledgesim calibrate: wrote " << out << '\n';
  return 0;
}

}  // namespace

Command add_calibrate_command(CLI::App& app) {
  auto o = std::make_shared<CalibrateOptions>();
  auto* cmd = app.add_subcommand(
      "calibrate",
      "Fit behavioural parameters to observed indicators by the method of simulated moments "
      "(Nelder-Mead, replications with common random numbers); prints the fit table");
  cmd->add_option("targets", o->targets,
                  "Targets file (TOML): scenario, [[parameters]] with bounds, [[targets]] with "
                  "observed values; see docs/calibration.md")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out,
                  "Result file (TOML; default results/calibration_<targets name>.toml)");
  cmd->add_option("--threads", o->threads, "Worker threads; 0 = all cores")
      ->check(CLI::Range(0, 4096));
  cmd->add_flag("--quiet,-q", o->quiet, "No progress lines on stderr");
  cmd->add_flag("--force", o->force, "Overwrite the result file if it exists");
  return {cmd, [o] { return calibrate_command(*o); }};
}

}  // namespace pledgesim::app
