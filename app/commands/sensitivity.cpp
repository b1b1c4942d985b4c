// `pledgesim sensitivity`: Morris, Sobol or regression measures of a sweep file.
#include <iostream>
#include <memory>

#include "analysis/cpp/sensitivity_report.hpp"
#include "app/commands/command.hpp"
#include "sim/core/printable.hpp"

namespace pledgesim::app {

Command add_sensitivity_command(CLI::App& app) {
  struct State {
    std::string file;
    analysis::SensitivityOptions options;
    bool no_write = false;
  };
  auto s = std::make_shared<State>();
  auto* cmd = app.add_subcommand(
      "sensitivity",
      "Sensitivity indices of a sweep's outcomes: Morris elementary effects (mu*, sigma) for a "
      "morris design, Sobol first- and total-order indices with 90% bootstrap intervals for a "
      "saltelli design, and for grid, latin_hypercube and csv designs standardised regression "
      "coefficients (SRC, with the linear fit's R2) and partial rank correlation coefficients "
      "(PRCC) with 90% bootstrap intervals; printed and stored in the file under /sensitivity");
  // No ExistingFile check: the reader says more (an unfinished sweep's progress).
  cmd->add_option("file", s->file, "HDF5 file written by pledgesim sweep")->required();
  cmd->add_option("--outcome", s->options.outcomes,
                  "Only these outcomes (repeatable; default all), e.g. "
                  "--outcome agency_rate.London.2022");
  cmd->add_option("--bootstrap", s->options.bootstrap,
                  "Bootstrap resamples for the Sobol and regression intervals (0: none)")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  cmd->add_option("--format", s->options.format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_flag("--no-write", s->no_write, "Do not store the indices in the file");
  cmd->add_flag("--force", s->options.force,
                "Replace indices stored in the file that were computed otherwise "
                "(another method or --bootstrap count)");
  return {cmd, [s] {
            s->options.write_back = !s->no_write;
            std::cout << sim::printable(analysis::sensitivity_report(s->file, s->options));
            return 0;
          }};
}

}  // namespace pledgesim::app
