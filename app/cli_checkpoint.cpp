#include "app/cli_checkpoint.hpp"

namespace pledgesim::app {

namespace {

// Testing only: deterministic stops at a given week (not shown by --help).
void add_testing_options(CLI::App* cmd, RunOptions& o) {
  cmd->add_option("--stop-after-weeks", o.stop_after_weeks,
                  "Testing: stop as Ctrl-C would once this process has stepped N weeks")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40))
      ->group("");
  cmd->add_option("--kill-after-weeks", o.kill_after_weeks,
                  "Testing: die by SIGKILL once this process has stepped N weeks")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40))
      ->group("");
  cmd->add_option("--kill-in-checkpoint", o.kill_in_checkpoint,
                  "Testing: die by SIGKILL while writing the N-th checkpoint")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40))
      ->group("");
}

}  // namespace

void add_checkpoint_options(CLI::App* run_cmd, RunOptions& run) {
  run_cmd->add_flag("--events", run.events,
                    "Also record every change of a practitioner's status or employer in /events "
                    "(week, practitioner, kind, from/to status and employer, agency, pay; see "
                    "docs/checkpoints.md); one replication only");
  run_cmd
      ->add_option("--checkpoint-every", run.checkpoint_every,
                   "Save the whole run state to OUT.ckpt every WEEKS simulated weeks (and when "
                   "stopped by Ctrl-C), replacing the previous checkpoint atomically; after a "
                   "crash, kill or Ctrl-C, `pledgesim resume OUT.ckpt` finishes the run with the "
                   "same file as an uninterrupted one. Removed when the run completes")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1000000}))
      ->type_name("WEEKS");
  add_testing_options(run_cmd, run);
}

CLI::App* add_resume_command(CLI::App& app, ResumeCli& cli) {
  auto* cmd = app.add_subcommand(
      "resume",
      "Continue an interrupted run from its checkpoint (written by run --checkpoint-every); the "
      "finished file equals the uninterrupted run's, for any thread count. The scenario and "
      "options come from the checkpoint");
  cmd->add_option("checkpoint", cli.checkpoint, "Checkpoint file, OUT.ckpt beside the run's output")
      ->required();
  cmd->add_option("--out", cli.options.out,
                  "Output HDF5 file (default: the checkpoint's name without .ckpt); written as "
                  "FILE.partial and renamed when complete");
  cmd->add_option("--threads", cli.options.threads, "Worker threads; 0 = all cores (default)")
      ->check(CLI::Range(0, 4096));
  cmd->add_flag("--quiet,-q", cli.options.quiet, "No progress line or messages on stderr");
  cmd->add_flag("--force", cli.options.force, "Overwrite the output file if it exists");
  cmd->add_flag("--no-summary", cli.no_summary, "Do not print the annual summary table");
  cmd->add_flag("--check", cli.options.check,
                "Verify the market's invariants every week; exit 1 on the first violation");
  add_testing_options(cmd, cli.options);
  return cmd;
}

}  // namespace pledgesim::app
