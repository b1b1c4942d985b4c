// One subcommand of pledgesim per file in app/commands/: each adds itself
// (its options and help) to the program's CLI11 app and says how to run.
//
// A command returns its exit status: 0 done, 1 an internal or write failure,
// 130 stopped by Ctrl-C or SIGTERM (`diff` also returns 1 when the scenarios
// differ, as diff(1) does). Bad input is never handled here: it is
// thrown as a sim::InputError and reported by app/main.cpp, in one place, as
// "pledgesim COMMAND: message" with exit status 2.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace pledgesim::app {

struct Command {
  CLI::App* cli = nullptr;  // the subcommand, once added
  std::function<int()> run;
};

Command add_run_command(CLI::App& app);
Command add_resume_command(CLI::App& app);
Command add_validate_command(CLI::App& app);
Command add_summarize_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_calibrate_command(CLI::App& app);
Command add_backtest_command(CLI::App& app);
Command add_sweep_command(CLI::App& app);
Command add_sensitivity_command(CLI::App& app);
Command add_keys_command(CLI::App& app);
Command add_metrics_command(CLI::App& app);
Command add_diff_command(CLI::App& app);

}  // namespace pledgesim::app
