// Options that `run` and `resume` share: events, checkpoints, and the hidden
// options the checkpoint tests use.
#pragma once

#include <CLI/CLI.hpp>

#include "app/run_command.hpp"

namespace pledgesim::app {

// --events, --compress and --checkpoint-every (docs/checkpoints.md,
// docs/output-format.md).
void add_events_and_checkpoint_options(CLI::App* cmd, RunOptions& run);
// Testing only: deterministic stops and kills at a given week (not shown by --help).
void add_testing_options(CLI::App* cmd, RunOptions& run);

}  // namespace pledgesim::app
