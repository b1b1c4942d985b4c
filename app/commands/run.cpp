// `pledgesim run`: simulate a scenario into an HDF5 file (app/run_command.cpp).
#include <memory>

#include "app/commands/command.hpp"
#include "app/commands/run_options.hpp"
#include "app/run_command.hpp"

namespace pledgesim::app {

Command add_run_command(CLI::App& app) {
  struct State {
    RunOptions run;
    std::int64_t years = 0;
    std::int64_t seed = 0;  // stored as int64 in the files (R has no unsigned 64-bit type)
    bool no_summary = false;
  };
  auto s = std::make_shared<State>();
  auto* cmd = app.add_subcommand(
      "run",
      "Simulate a scenario and write its weekly series to an HDF5 file, then print a "
      "DfE-style annual summary.");
  cmd->add_option("scenario", s->run.scenario_path,
                  "Scenario TOML file; without one, the built-in London baseline")
      ->check(CLI::ExistingFile);
  auto* years_opt = cmd->add_option("--years", s->years, "Simulated years (overrides the scenario)")
                        ->check(CLI::Range(models::kMinYears, models::kMaxYears));
  auto* seed_opt =
      cmd->add_option("--seed", s->seed,
                      "Random seed (overrides the scenario); same seed = same output, bit for bit")
          ->check(CLI::Range(std::int64_t{0}, static_cast<std::int64_t>(models::kMaxSeed)));
  cmd->add_option("--threads", s->run.threads, "Worker threads; 0 = all cores (default)")
      ->check(CLI::Range(0, 4096));
  cmd->add_option("--replications", s->run.replications,
                  "Replications, run in parallel into one file ([replications, weeks, "
                  "employers] series when more than 1); replication 0 uses the seed itself, "
                  "the others seeds derived from it, so two scenarios run with the same "
                  "--seed and --replications share random numbers")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--out", s->run.out,
                  "Output HDF5 file (default results/<scenario name>.h5); written as "
                  "FILE.partial and renamed when complete");
  cmd->add_option("--parameters", s->run.parameters,
                  "Parameter ensemble (CSV: weight,KEY,... one set a line, as `pledgesim "
                  "calibrate` writes it): replication r runs one set, the same in every scenario "
                  "run with this file and --replications, so paired comparisons share parameters "
                  "as well as random numbers; recorded in /replications/parameters")
      ->type_name("ENSEMBLE.csv");
  cmd->add_option("--set", s->run.set,
                  "Override a scenario key, e.g. --set behaviour.exit_rate_per_year=0.06 "
                  "(repeatable; values are TOML)");
  cmd->add_flag("--quiet,-q", s->run.quiet, "No progress line or messages on stderr");
  cmd->add_flag("--force", s->run.force, "Overwrite the output file if it exists");
  cmd->add_flag("--check", s->run.check,
                "Verify the market's invariants every week (conservation, stocks and flows, "
                "the stocks kept against a recount of everyone, valid employers, "
                "non-negative costs); exit 1 on the first violation");
  cmd->add_flag("--print-scenario", s->run.print_scenario,
                "Print the fully resolved scenario (every key, defaults included) and exit");
  cmd->add_flag("--no-summary", s->no_summary, "Do not print the annual summary table");
  add_events_and_checkpoint_options(cmd, s->run);
  add_testing_options(cmd, s->run);
  return {cmd, [s, years_opt, seed_opt] {
            if (*years_opt) s->run.years = s->years;
            if (*seed_opt) s->run.seed = static_cast<std::uint64_t>(s->seed);
            s->run.summary = !s->no_summary;
            return run_command(s->run);
          }};
}

}  // namespace pledgesim::app
