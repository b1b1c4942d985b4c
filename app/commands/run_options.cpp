#include "app/commands/run_options.hpp"

namespace pledgesim::app {

void add_events_and_checkpoint_options(CLI::App* cmd, RunOptions& run) {
  cmd->add_flag("--events", run.events,
                "Also record every change of a practitioner's status or employer in /events "
                "(week, practitioner, kind, from/to status and employer, agency, pay; see "
                "docs/checkpoints.md); one replication only");
  cmd->add_flag("--compress", run.compress,
                "Compress the series and events (deflate, gzip level 1): files 4 to 6 times "
                "smaller, written more slowly; without it they are stored uncompressed "
                "(docs/output-format.md)");
  cmd->add_option("--checkpoint-every", run.checkpoint_every,
                  "Save the whole run state to OUT.ckpt every WEEKS simulated weeks (and when "
                  "stopped by Ctrl-C), replacing the previous checkpoint atomically; after a "
                  "crash, kill or Ctrl-C, `pledgesim resume OUT.ckpt` finishes the run with the "
                  "same file as an uninterrupted one. Removed when the run completes")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1000000}))
      ->type_name("WEEKS");
}

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

}  // namespace pledgesim::app
