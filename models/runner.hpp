// The run library: runs a resolved scenario, with R replications on T
// threads, into any Recorder (an HDF5 file, memory, ...). Every command that
// simulates (run, resume, sweep, calibrate) goes through run_scenario(); it
// knows nothing of command lines, files or messages, so that a Python
// binding can call it as the program does.
//
// Replications run in batches of at most one per worker thread, the markets
// of a batch stepping a week at a time side by side (each also parallel
// inside its step), so memory holds one batch of markets. Replication r runs
// on sim::replication_seed(scenario.seed, r) and depends on nothing else, so
// the output is the same for any batch size or thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/market.hpp"
#include "models/scenario.hpp"
#include "sim/io/recorder.hpp"

namespace pledgesim::models {

// The markets of the batch in progress, as the checkpoint hook sees them:
// replications [first, first + markets.size()), each `weeks_done` weeks in.
struct Batch {
  std::size_t first = 0;
  std::span<const std::unique_ptr<LabourMarket>> markets;
  std::int64_t weeks_done = 0;
};

// Where a resumed run starts: the batch of its checkpoint, its markets
// already loaded (LabourMarket::load_state), `weeks_done` weeks in.
struct ResumePoint {
  std::size_t batch_first = 0;
  std::int64_t weeks_done = 0;
  std::vector<std::unique_ptr<LabourMarket>> markets;
};

// Sets replication r's parameters on its copy of the scenario.
using ReplicationParameters = std::function<void(Scenario& scenario, std::size_t replication)>;

struct RunSettings {
  std::size_t replications = 1;
  std::size_t threads = 0;        // worker threads; 0: all cores
  bool record_events = false;     // the recorder gets /events (one replication only)
  bool check_invariants = false;  // check_invariants() after every week; stop at a violation
  // Recorded as the run's scenario (RunInfo::scenario_text); empty:
  // to_toml(scenario). A resumed run passes its checkpoint's text.
  std::string scenario_text;
  std::string created_utc;  // RunInfo::created_utc (a resumed run keeps the original)
  // Optional: gives replication r its own parameters (a parameter ensemble,
  // `run --parameters`), applied to the scenario before its market is built.
  // Must depend on r only, so the output stays the same for any thread count.
  ReplicationParameters replication_parameters;
  // What the recorder records of them (RunInfo::parameters): the keys and
  // each replication's values.
  sim::ParameterTable parameter_table;

  // Hooks, all optional.
  // Asked before each week; true stops the run there (default: a Ctrl-C or
  // SIGTERM under a sim::InterruptGuard). `weeks_stepped` counts the weeks
  // this call has stepped, over all batches.
  std::function<bool(std::int64_t weeks_stepped)> stop_requested;
  // Called every `checkpoint_every` weeks of a batch (not at its end), and
  // when the run stops after at least a week: the caller saves the markets.
  std::int64_t checkpoint_every = 0;
  std::function<void(const Batch&)> checkpoint;
  // Called once the recorder has begun (a resumed run restores its output).
  std::function<void()> on_begin;
  // After each week is recorded (and any checkpoint taken): the replication
  // weeks done so far, of replications * weeks, and the week's date.
  std::function<void(std::int64_t replication_weeks_done, const std::string& date)> progress;
  // Last in each week, with the weeks stepped so far (testing hooks).
  std::function<void(std::int64_t weeks_stepped)> after_week;
};

struct RunOutcome {
  enum class Status { kCompleted, kStopped, kInvariantViolated };
  Status status = Status::kCompleted;
  // kStopped: the week the run stopped before, in the batch [batch_first,
  // batch_first + batch_size); kInvariantViolated: the violations, each
  // prefixed "(replication r): ".
  std::int64_t stopped_at_week = 0;
  std::size_t batch_first = 0, batch_size = 0;
  std::vector<std::string> violations;
  std::size_t practitioners = 0;  // population of the completed replications, summed
};

// The recorder's begin() failed for another reason than a failed write
// (sim::WriteError, which passes through): what() says why.
struct RecorderStartError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Replication `replication`'s market: the scenario on its replication seed,
// with its own parameters where `parameters` gives them.
std::unique_ptr<LabourMarket> make_replication(const Scenario& scenario, std::size_t replication,
                                               bool record_events,
                                               const ReplicationParameters& parameters = {});

// Runs `scenario` (resolved: loaded, overridden and checked) into `recorder`
// from week 0, or from `resume`. The recorder is begun here and finished when
// the run completes; a stopped run leaves it unfinished for the caller (e.g.
// Hdf5Recorder::keep_incomplete). Throws std::invalid_argument when events
// are asked of several replications.
RunOutcome run_scenario(const Scenario& scenario, sim::Recorder& recorder,
                        const RunSettings& settings, ResumePoint* resume = nullptr);

}  // namespace pledgesim::models
