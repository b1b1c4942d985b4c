#include "models/runner.hpp"

#include <algorithm>

#include "models/invariants.hpp"
#include "models/metrics.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/replication.hpp"
#include "sim/core/version.hpp"
#include "sim/io/output_file.hpp"

namespace pledgesim::models {

std::unique_ptr<LabourMarket> make_replication(const Scenario& scenario, std::size_t replication,
                                               bool record_events,
                                               const ReplicationParameters& parameters) {
  Scenario s = scenario;
  if (parameters) parameters(s, replication);
  s.seed = sim::replication_seed(scenario.seed, replication);
  auto market = std::make_unique<LabourMarket>(s);
  market->set_event_recording(record_events);
  return market;
}

namespace {

sim::RunInfo run_info(const Scenario& scenario, const RunSettings& settings,
                      const LabourMarket& market, std::size_t replications) {
  sim::RunInfo info;
  info.scenario_name = scenario.name;
  info.scenario_text = settings.scenario_text.empty() ? to_toml(scenario) : settings.scenario_text;
  info.software_version = sim::kSoftwareVersion;
  info.rng_contract = kRngContract;
  info.seed = scenario.seed;
  info.weeks = scenario.weeks();
  info.entities = market.employer_table();
  info.series = metric_specs();
  info.replication_seeds = sim::replication_seeds(scenario.seed, replications);
  info.parameters = settings.parameter_table;
  if (settings.record_events) info.events = market.event_table();
  info.created_utc = settings.created_utc;
  return info;
}

void begin_recorder(sim::Recorder& recorder, const sim::RunInfo& info) {
  try {
    recorder.begin(info);
  } catch (const sim::WriteError&) {
    throw;  // a write failed (disk full): the caller reports it as such
  } catch (const std::exception& e) {
    throw RecorderStartError(e.what());
  }
}

}  // namespace

RunOutcome run_scenario(const Scenario& scenario, sim::Recorder& recorder,
                        const RunSettings& settings, ResumePoint* resume) {
  const std::size_t replications = std::max<std::size_t>(1, settings.replications);
  if (settings.record_events && replications > 1)
    throw std::invalid_argument("events are recorded for one replication only");
  const sim::ThreadLimit thread_limit(settings.threads);
  const std::size_t concurrency = settings.threads == 0 ? sim::max_concurrency() : settings.threads;
  const std::size_t batch = std::clamp<std::size_t>(concurrency, 1, replications);
  const std::int64_t weeks = scenario.weeks();
  auto stop_requested = [&](std::int64_t stepped) {
    return settings.stop_requested ? settings.stop_requested(stepped) : sim::interrupted();
  };

  // A resumed run finishes the batch of its checkpoint, then goes on in
  // batches of its own.
  const std::size_t start_first = resume ? resume->batch_first : 0;
  std::vector<std::unique_ptr<LabourMarket>> markets;
  if (resume)
    markets = std::move(resume->markets);
  else
    markets.push_back(
        make_replication(scenario, 0, settings.record_events, settings.replication_parameters));
  begin_recorder(recorder, run_info(scenario, settings, *markets.front(), replications));
  if (settings.on_begin) settings.on_begin();

  RunOutcome outcome;
  std::int64_t done = 0;
  std::int64_t stepped = 0;                   // weeks stepped by this call
  std::vector<std::vector<double>> previous;  // last week's series, for the invariants
  for (std::size_t first = start_first; first < replications;) {
    const bool resumed_batch = resume && first == start_first;
    const std::size_t n = resumed_batch ? markets.size() : std::min(batch, replications - first);
    const std::int64_t w0 = resumed_batch ? resume->weeks_done : 0;
    if (!resumed_batch) {
      markets.resize(n);
      sim::for_each_index(n, [&](std::size_t k) {
        if (first > 0 || k > 0)
          markets[k] = make_replication(scenario, first + k, settings.record_events,
                                        settings.replication_parameters);
      });
    }
    auto batch_at = [&](std::int64_t w) { return Batch{first, markets, w}; };
    done = static_cast<std::int64_t>(first) * weeks + w0 * static_cast<std::int64_t>(n);
    for (std::int64_t w = w0; w < weeks; ++w) {
      if (stop_requested(stepped)) {
        if (settings.checkpoint_every > 0 && settings.checkpoint && (w > 0 || first > 0))
          settings.checkpoint(batch_at(w));
        outcome.status = RunOutcome::Status::kStopped;
        outcome.stopped_at_week = w;
        outcome.batch_first = first;
        outcome.batch_size = n;
        return outcome;
      }
      if (settings.check_invariants) {
        previous.resize(n);
        for (std::size_t k = 0; k < n; ++k) {
          const auto row = markets[k]->week_series();
          previous[k].assign(row.begin(), row.end());
        }
      }
      sim::for_each_index(n, [&](std::size_t k) { markets[k]->step(); });
      if (settings.check_invariants)
        for (std::size_t k = 0; k < n; ++k)
          for (const auto& problem : check_invariants(*markets[k], previous[k]))
            outcome.violations.push_back("(replication " + std::to_string(first + k) +
                                         "): " + problem);
      if (!outcome.violations.empty()) {
        outcome.status = RunOutcome::Status::kInvariantViolated;
        return outcome;
      }
      const std::string date = markets.front()->clock().week_start(w).iso();
      for (std::size_t k = 0; k < n; ++k) {
        recorder.record_week(first + k, w, date, markets[k]->week_series());
        if (settings.record_events)
          recorder.record_events(first + k, w, markets[k]->event_columns());
      }
      done += static_cast<std::int64_t>(n);
      ++stepped;
      if (settings.progress) settings.progress(done, date);
      if (settings.checkpoint_every > 0 && settings.checkpoint &&
          (w + 1) % settings.checkpoint_every == 0 && w + 1 < weeks)
        settings.checkpoint(batch_at(w + 1));
      if (settings.after_week) settings.after_week(stepped);
    }
    for (const auto& m : markets) outcome.practitioners += m->population().size();
    markets.clear();
    first += n;
  }
  recorder.finish();
  return outcome;
}

}  // namespace pledgesim::models
