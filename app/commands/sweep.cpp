// `pledgesim sweep`: a design of runs into one file (app/sweep.cpp, app/sweep_runner.cpp).
#include <memory>

#include "app/commands/command.hpp"
#include "app/sweep.hpp"

namespace pledgesim::app {

Command add_sweep_command(CLI::App& app) {
  auto o = std::make_shared<SweepOptions>();
  auto* cmd = app.add_subcommand(
      "sweep",
      "Run a base scenario at the points of a design (grid, Latin hypercube, Saltelli, Morris, or "
      "points from a CSV file) "
      "with replications, in parallel (or across MPI ranks under mpirun), into one HDF5 file of "
      "annual outcomes per run; rerunning an interrupted sweep resumes it");
  cmd->add_option("sweep", o->sweep_file, "Sweep file (TOML); see docs/sweeps.md")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out,
                  "Output HDF5 file (default results/<sweep name>.h5); completed runs are "
                  "kept in OUT.runs/ until the file is written");
  cmd->add_option("--threads", o->threads,
                  "Worker threads (per MPI rank); 0 = all cores (shared among local ranks)")
      ->check(CLI::Range(0, 4096));
  cmd->add_flag("--quiet,-q", o->quiet, "No progress or messages on stderr");
  cmd->add_flag("--force", o->force, "Overwrite the output file if it exists");
  cmd->add_option("--max-runs", o->max_runs,
                  "Stop after this many runs (e.g. to fit a batch slot); run the same command "
                  "again to continue")
      ->check(CLI::Range(1, 1000000000));
  return {cmd, [o] { return sweep_command(*o); }};
}

}  // namespace pledgesim::app
