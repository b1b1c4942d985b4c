// Parameter sweeps: many runs of one base scenario at the points of an
// experimental design (grid, Latin hypercube, Saltelli, Morris, or points
// read from a CSV file), with replications, into one HDF5 file of annual
// outcomes per run.
//
// A sweep file (TOML) names the base scenario, the parameters to vary (any
// numeric scenario key, a field of one of the scenario's [[policies]], or the
// share of a region's authorities that are signatories), the design, the
// replications and seed policy, and the outcomes to keep (annual indicators
// of `pledgesim summarize --by region`). See docs/sweeps.md.
//
// Runs are independent: each is a pure function of (scenario, point,
// seed), so they can run in any order, on any number of threads or MPI
// ranks, and a sweep resumes from a journal of completed runs; the output is
// the same bits whichever way it ran.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/cpp/design.hpp"
#include "models/scenario.hpp"

namespace pledgesim::app {

struct SweepParameter {
  enum class Kind { scenario_key, policy_field, signatory_share };
  Kind kind = Kind::scenario_key;
  std::string key;          // scenario_key: "behaviour.exit_rate_per_year"; policy_field:
                            // the field ("weeks", "rate_scale", ...); signatory_share: the region
  std::size_t policy = 0;   // policy_field: index into the scenario's [[policies]]
  double min = 0, max = 0;  // a range (a csv design may leave it out: ranged = false) ...
  bool ranged = true;
  std::vector<double> values;  // ... or a list of values
  std::size_t levels = 3;      // grid levels of a range
  bool integer = false;        // values are rounded (weeks, whole numbers)
  std::string name() const;    // column name in the output
};

// An outcome kept per run: an annual indicator (indicator, group, year), or
// a weekly series summed over a group's employers (series, group).
struct SweepOutput {
  std::string indicator, series, group;
  int year = 0;
  bool weekly() const { return !series.empty(); }
  // "agency_rate.London.2022" or "agency_fte.London" (spaces in groups become '_')
  std::string name() const;
};

struct SweepSpec {
  std::filesystem::path file;
  std::string text;                // the sweep file as read (stored in the output)
  std::filesystem::path scenario;  // empty: the built-in default
  std::optional<std::int64_t> years;
  std::uint64_t seed = 1;
  std::size_t replications = 1;
  bool common_random_numbers = true;  // replication r uses the same seed at every point
  analysis::DesignSpec design;
  // A csv design: its file (relative paths from the sweep file's directory),
  // its text (fingerprinted by the journal) and its values as given,
  // row-major [points][parameters] in the parameters' order.
  std::filesystem::path design_file;
  std::string design_text;
  std::vector<double> design_values;
  std::vector<SweepParameter> parameters;
  std::vector<SweepOutput> outputs;
};

// Reads and checks a sweep file; throws models::ScenarioError naming file,
// line and key of every problem (including a base scenario that does not load).
SweepSpec load_sweep_spec(const std::filesystem::path& file);
// The same for the text of a sweep file, read from `file`; the base scenario
// comes from `files` (the fuzz targets keep it in memory).
SweepSpec parse_sweep_spec(const std::string& text, const std::filesystem::path& file,
                           const models::ScenarioFiles& files = models::disk_files());

// The base scenario of a sweep (its file, or the built-in one), with the
// sweep's `years` applied.
models::Scenario load_sweep_base(const SweepSpec& spec,
                                 const models::ScenarioFiles& files = models::disk_files());

// The parameter values of a design point (unit coordinates mapped to ranges
// or lists; a csv design's values as given) and the base scenario with them
// applied.
std::vector<double> point_values(const SweepSpec& spec, const analysis::Design& design,
                                 std::size_t point);
models::Scenario scenario_at(const models::Scenario& base, const SweepSpec& spec,
                             const std::vector<double>& values);
// The seed of a run: replication r of any point uses the r-th replication
// seed of the sweep's seed (common random numbers), or under independent
// seeds one derived from (seed, run).
std::uint64_t run_seed(const SweepSpec& spec, std::size_t point, std::size_t replication);

// Thrown by run_outcomes when Ctrl-C or SIGTERM stopped the run.
struct SweepInterrupted : std::runtime_error {
  SweepInterrupted() : std::runtime_error("interrupted") {}
};

// Runs one scenario (one replication) and returns the outcomes in spec order:
// one value per annual output, then `weeks` values per weekly output.
std::vector<double> run_outcomes(const SweepSpec& spec, const models::Scenario& scenario);

struct SweepOptions {
  std::string sweep_file;
  std::string out;
  std::size_t threads = 0;
  bool quiet = false;
  std::size_t max_runs = 0;  // > 0: stop after this many runs (rerun to continue)
  bool force = false;        // overwrite an existing output file
};

// `pledgesim sweep`: returns the process exit code. Under MPI (more than one
// rank) rank 0 hands runs out one at a time and writes the file.
int sweep_command(const SweepOptions& options);

}  // namespace pledgesim::app
