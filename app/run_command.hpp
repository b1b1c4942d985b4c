// `pledgesim run`: load a scenario, simulate it, write the HDF5 file; and
// `pledgesim resume`: continue a run from its checkpoint (docs/checkpoints.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace pledgesim::app {

struct RunOptions {
  std::string scenario_path;  // empty: the built-in default
  std::optional<std::int64_t> years;
  std::optional<std::uint64_t> seed;
  std::size_t threads = 0;       // 0: all cores
  std::size_t replications = 1;  // replication r > 0 runs on sim::replication_seed(seed, r)
  std::string out;               // empty: results/<scenario name>.h5
  std::vector<std::string> set;  // key=value overrides
  // A parameter ensemble (models/parameter_ensemble.hpp): replication r runs
  // set assign_sets(ensemble, replications)[r]. Empty: none.
  std::string parameters;
  bool quiet = false;
  bool print_scenario = false;
  bool summary = true;
  bool force = false;   // overwrite an existing output file
  bool check = false;   // verify the market's invariants every week (exit 1 on a violation)
  bool events = false;  // record /events (one replication only)
  // Deflate the series and events (smaller files, slower writing); a
  // resumed run keeps the choice of the run it continues.
  bool compress = false;
  // Write OUT.ckpt every this many weeks, and when interrupted (0: never).
  std::int64_t checkpoint_every = 0;
  // Testing only (hidden options), counted in weeks stepped by this process:
  // stop as Ctrl-C would after N weeks; die as kill -9 would after N weeks
  // (after any checkpoint due then); die while writing the N-th checkpoint,
  // once its temporary file is complete and before it replaces the last one.
  std::int64_t stop_after_weeks = 0;
  std::int64_t kill_after_weeks = 0;
  std::int64_t kill_in_checkpoint = 0;
};

// Resolves the scenario the options describe (throws ScenarioError).
models::Scenario resolve_scenario(const RunOptions& options);

// Exit status after Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
inline constexpr int kInterruptedExit = 130;

// Returns the process exit code.
int run_command(const RunOptions& options);
// The same for a scenario already resolved (options.scenario_path, years,
// seed and set are not read).
int run_resolved(const models::Scenario& scenario, const RunOptions& options);

// `pledgesim resume CHECKPOINT`: continues the run the checkpoint holds; the
// finished file equals the uninterrupted run's. Of `options` it reads out
// (default: CHECKPOINT without ".ckpt"), threads, quiet, force, summary,
// check and the testing options; the rest (events, compress, the parameter
// ensemble, ...) comes from the checkpoint.
int resume_command(const std::string& checkpoint, const RunOptions& options);

}  // namespace pledgesim::app
