// `pledgesim resume`: finish a run from its checkpoint (app/run_command.cpp).
#include <memory>

#include "app/commands/command.hpp"
#include "app/commands/run_options.hpp"
#include "app/run_command.hpp"

namespace pledgesim::app {

Command add_resume_command(CLI::App& app) {
  struct State {
    std::string checkpoint;
    RunOptions options;
    bool no_summary = false;
  };
  auto s = std::make_shared<State>();
  auto* cmd = app.add_subcommand(
      "resume",
      "Continue an interrupted run from its checkpoint (written by run --checkpoint-every); the "
      "finished file equals the uninterrupted run's, for any thread count. The scenario and "
      "options come from the checkpoint");
  cmd->add_option("checkpoint", s->checkpoint, "Checkpoint file, OUT.ckpt beside the run's output")
      ->required();
  cmd->add_option("--out", s->options.out,
                  "Output HDF5 file (default: the checkpoint's name without .ckpt); written as "
                  "FILE.partial and renamed when complete");
  cmd->add_option("--threads", s->options.threads, "Worker threads; 0 = all cores (default)")
      ->check(CLI::Range(0, 4096));
  cmd->add_flag("--quiet,-q", s->options.quiet, "No progress line or messages on stderr");
  cmd->add_flag("--force", s->options.force, "Overwrite the output file if it exists");
  cmd->add_flag("--no-summary", s->no_summary, "Do not print the annual summary table");
  cmd->add_flag("--check", s->options.check,
                "Verify the market's invariants every week; exit 1 on the first violation");
  add_testing_options(cmd, s->options);
  return {cmd, [s] {
            s->options.summary = !s->no_summary;
            return resume_command(s->checkpoint, s->options);
          }};
}

}  // namespace pledgesim::app
