// Command-line options of checkpoints and events: `run --events`,
// `run --checkpoint-every`, and the `resume` command (docs/checkpoints.md).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "app/run_command.hpp"

namespace pledgesim::app {

// Adds --events, --checkpoint-every and the hidden testing options to `run`.
void add_checkpoint_options(CLI::App* run_cmd, RunOptions& run);

struct ResumeCli {
  std::string checkpoint;
  RunOptions options;
  bool no_summary = false;
};
// Adds the `resume` command; run it with resume_command(cli.checkpoint, cli.options).
CLI::App* add_resume_command(CLI::App& app, ResumeCli& cli);

}  // namespace pledgesim::app
