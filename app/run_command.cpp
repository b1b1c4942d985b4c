#include "app/run_command.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <set>

#include "analysis/cpp/annual_summary.hpp"
#include "analysis/cpp/run_file.hpp"
#include "models/market.hpp"
#include "models/parameter_ensemble.hpp"
#include "models/runner.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/core/memory.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/printable.hpp"
#include "sim/core/progress.hpp"
#include "sim/core/replication.hpp"
#include "sim/core/version.hpp"
#include "sim/io/checkpoint.hpp"
#include "sim/io/hdf5_recorder.hpp"
#include "sim/io/output_file.hpp"
#include "sim/io/output_lock.hpp"

namespace pledgesim::app {

namespace fs = std::filesystem;

models::Scenario resolve_scenario(const RunOptions& o) {
  std::vector<models::Override> overrides;
  for (const auto& kv : o.set) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw models::ScenarioError({{"--set", 0, kv, "expected key=value, e.g. --set years=10"}});
    overrides.push_back({kv.substr(0, eq), kv.substr(eq + 1)});
  }
  if (o.years) overrides.push_back({"years", std::to_string(*o.years)});
  if (o.seed) overrides.push_back({"seed", std::to_string(*o.seed)});
  return o.scenario_path.empty() ? models::builtin_default_scenario(overrides)
                                 : models::load_scenario_file(o.scenario_path, overrides);
}

int run_command(const RunOptions& o) {
  return run_resolved(resolve_scenario(o), o);
}

namespace {

// The parameter ensemble a run gives its replications (run --parameters).
struct Ensemble {
  models::ParameterEnsemble sets;
  std::string source;  // the file's name, as given
};

// Where a resumed run starts: its checkpoint, read and checked.
struct ResumeFrom {
  const sim::CheckpointReader& reader;
  models::ResumePoint resume;  // the batch in progress, loaded
};

void remove_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
}

std::string checkpoint_tmp(const fs::path& ckpt) {
  return ckpt.string() + ".tmp";
}

// Runs `scenario` into `out` through the run library, from the start or
// (with `from`) from a checkpoint; the file, checkpoints, messages and the
// summary are this command's part. `text` is the resolved scenario recorded.
int execute(const models::Scenario& scenario, const std::string& text, const RunOptions& o,
            const fs::path& out, const Ensemble* ensemble, ResumeFrom* from, const char* cmd) {
  const std::size_t replications = std::max<std::size_t>(1, o.replications);
  if (o.events && replications > 1)
    throw sim::InputError(
        "--events records the events of one replication; run each replication you need on its "
        "own seed with --replications 1 (replication r's seed is /replications/seed[r] of a run "
        "with replications, and replication 0's is the seed itself)");
  const fs::path ckpt = sim::checkpoint_path_for(out);
  if (!from && fs::exists(ckpt)) {
    if (!o.force)
      throw sim::InputError(ckpt.string() +
                            " exists: a checkpoint of an unfinished run of this output. Continue "
                            "it with `pledgesim resume " +
                            ckpt.string() +
                            "`, or use --force to start again (the checkpoint is removed)");
    remove_quietly(ckpt);
  }

  const auto t0 = std::chrono::steady_clock::now();
  const std::int64_t weeks = scenario.weeks();
  sim::Hdf5Recorder recorder(out, 0,
                             o.compress ? sim::Compression::deflate : sim::Compression::none);
  const std::string label =
      std::string(cmd) + " " + scenario.name +
      (replications > 1 ? " (" + std::to_string(replications) + " replications)" : "");
  sim::Progress progress(label, weeks * static_cast<std::int64_t>(replications), o.quiet);

  models::RunSettings settings;
  settings.replications = replications;
  settings.threads = o.threads;
  settings.record_events = o.events;
  settings.check_invariants = o.check;
  settings.scenario_text = text;
  std::string ensemble_text;  // kept in checkpoints, so that a resume runs the same sets
  if (ensemble) {
    settings.replication_parameters = models::ensemble_parameters(ensemble->sets, replications);
    settings.parameter_table =
        models::ensemble_table(ensemble->sets, ensemble->source, replications);
    ensemble_text = models::parameter_ensemble_csv(ensemble->sets);
    if (!o.quiet) {
      const auto& sets = settings.parameter_table.sets;
      const std::size_t distinct = std::set<std::int64_t>(sets.begin(), sets.end()).size();
      std::fprintf(
          stderr,
          "%s: parameters from %s: %zu sets of %zu keys; %zu replications run %zu of them\n", cmd,
          ensemble->source.c_str(), ensemble->sets.sets.size(), ensemble->sets.keys.size(),
          replications, distinct);
    }
  }
  if (from) settings.created_utc = from->reader.info().output_created_utc;
  settings.stop_requested = [&](std::int64_t stepped) {
    return sim::interrupted() || (o.stop_after_weeks > 0 && stepped == o.stop_after_weeks);
  };
  settings.on_begin = [&] {
    if (from) recorder.restore_recorded(from->reader);
  };
  settings.progress = [&](std::int64_t done, const std::string& date) {
    progress.update(done, date);
  };
  settings.after_week = [&](std::int64_t stepped) {
    if (o.kill_after_weeks > 0 && stepped == o.kill_after_weeks) std::raise(SIGKILL);  // testing
  };
  // The state of the batch after `weeks_done` weeks, with what the output
  // recorded so far, atomically replacing the last checkpoint.
  std::int64_t checkpoints_written = 0;
  settings.checkpoint_every = o.checkpoint_every;
  settings.checkpoint = [&](const models::Batch& batch) {
    sim::CheckpointInfo ci;
    ci.software_version = sim::kSoftwareVersion;
    ci.scenario_name = scenario.name;
    ci.scenario_text = text;
    ci.seed = scenario.seed;
    ci.weeks = weeks;
    ci.weeks_done = batch.weeks_done;
    ci.replications = static_cast<std::int64_t>(replications);
    ci.batch_first = static_cast<std::int64_t>(batch.first);
    ci.batch_size = static_cast<std::int64_t>(batch.markets.size());
    ci.events = o.events;
    ci.compress = o.compress;
    ci.checkpoint_every = o.checkpoint_every;
    ci.parameters_text = ensemble_text;
    ci.parameters_source = ensemble ? ensemble->source : "";
    ci.output = fs::absolute(out).string();
    ci.output_created_utc = recorder.created_utc();
    sim::CheckpointWriter writer(ckpt, ci);
    for (std::size_t k = 0; k < batch.markets.size(); ++k)
      batch.markets[k]->save_state(writer.state("replication_" + std::to_string(batch.first + k)));
    recorder.save_recorded(writer);
    writer.close();
    if (++checkpoints_written == o.kill_in_checkpoint) std::raise(SIGKILL);  // testing
    writer.commit();
  };

  models::RunOutcome outcome;
  try {
    outcome = models::run_scenario(scenario, recorder, settings, from ? &from->resume : nullptr);
  } catch (const models::RecorderStartError& e) {
    throw sim::InputError("cannot write " + out.string() + ": " + e.what());
  }
  progress.finish();
  if (outcome.status == models::RunOutcome::Status::kInvariantViolated) {
    for (const auto& v : outcome.violations)
      std::cerr << cmd << ": invariant violated " << v << '\n';
    return 1;
  }
  if (outcome.status == models::RunOutcome::Status::kStopped) {
    // Ctrl-C or SIGTERM: keep what is done, marked incomplete, under
    // .partial (and with checkpoints on, the library took one at this week).
    const std::int64_t w = outcome.stopped_at_week;
    const bool checkpointed = o.checkpoint_every > 0 && (w > 0 || outcome.batch_first > 0);
    const auto kept = recorder.keep_incomplete(w);
    if (!o.quiet) {
      std::fprintf(stderr,
                   "%s: interrupted at week %lld of %lld (replications %zu to %zu); the "
                   "weeks done are in %s (attribute incomplete = 1).\n",
                   cmd, static_cast<long long>(w), static_cast<long long>(weeks),
                   outcome.batch_first, outcome.batch_first + outcome.batch_size - 1,
                   kept.string().c_str());
      if (checkpointed)
        std::fprintf(stderr,
                     "%s: checkpoint %s holds the run at week %lld; continue it with:\n"
                     "  pledgesim resume %s\n",
                     cmd, ckpt.string().c_str(), static_cast<long long>(w), ckpt.string().c_str());
      else
        std::fprintf(stderr,
                     "%s: run the same command again to redo the run (with "
                     "--checkpoint-every WEEKS a stopped run can be resumed).\n",
                     cmd);
    }
    return kInterruptedExit;
  }
  // The run is complete: its checkpoint is no longer needed.
  remove_quietly(ckpt);
  remove_quietly(checkpoint_tmp(ckpt));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::size_t practitioners = outcome.practitioners;

  if (!o.quiet) {
    if (replications == 1)
      std::fprintf(stderr, "%s: %lld weeks, %zu practitioners, %.2f s; wrote %s\n", cmd,
                   static_cast<long long>(weeks), practitioners, seconds, out.string().c_str());
    else
      std::fprintf(stderr,
                   "%s: %zu replications of %lld weeks, %zu practitioners in all, "
                   "%.2f s; wrote %s\n",
                   cmd, replications, static_cast<long long>(weeks), practitioners, seconds,
                   out.string().c_str());
  }
  if (o.summary) {
    // The headline indicators; `pledgesim summarize FILE` prints them all.
    analysis::SummaryOptions so;
    so.indicators = {"inpost_fte",   "agency_fte", "agency_rate",    "turnover_rate",
                     "vacancy_rate", "caseload",   "total_cost_gbp", "agency_cost_gbp"};
    std::cout << sim::printable(analysis::format_summary(
        analysis::summarize(analysis::open_run_file(out), so), analysis::Format::kTable));
  }
  return 0;
}

// Checks that `out` may be written, before any simulation time is spent
// (sim/io/output_file.hpp).
void check_output(const fs::path& out, bool force) {
  if (const auto problem = sim::output_file_problem(out, force)) throw sim::InputError(*problem);
}

// Refuses a run whose markets the machine cannot hold (one per replication
// running at once: a batch is as large as the threads), before any work.
void check_memory(const models::Scenario& scenario, const RunOptions& o) {
  const auto available = sim::available_memory_bytes();
  if (!available) return;
  const std::size_t threads = o.threads ? o.threads : sim::max_concurrency();
  const std::size_t at_once = std::max<std::size_t>(1, std::min(o.replications, threads));
  const std::uint64_t one = models::LabourMarket::memory_bound_bytes(scenario);
  const std::uint64_t need = one * at_once;
  if (need <= *available) return;
  throw sim::InputError(
      "the scenario needs up to " + sim::memory_words(need) + " (" + sim::memory_words(one) +
      " a replication, " + std::to_string(at_once) + " at once), and this process can take " +
      sim::memory_words(*available) +
      ": use fewer threads (--threads), fewer or smaller authorities, fewer years, or a "
      "machine with more memory");
}

// Takes the lock of `out` (sim/io/output_lock.hpp) and checks it again under
// the lock: another writer may have put a file there since the first check.
std::unique_ptr<sim::OutputLock> lock_output(const fs::path& out, bool force,
                                             const std::string& command) {
  auto lock = std::make_unique<sim::OutputLock>(out, command);
  check_output(out, force);
  return lock;
}

}  // namespace

int run_resolved(const models::Scenario& scenario, const RunOptions& o) {
  const sim::InterruptGuard interrupt_guard;
  const std::string text = models::to_toml(scenario);
  if (o.print_scenario) {
    std::cout << text;
    return 0;
  }
  const fs::path out =
      o.out.empty() ? fs::path("results") / (scenario.name + ".h5") : fs::path(o.out);
  // Read before any output is checked or written: a bad ensemble is bad input.
  std::optional<Ensemble> ensemble;
  if (!o.parameters.empty())
    ensemble = Ensemble{models::load_parameter_ensemble(o.parameters, scenario), o.parameters};
  check_memory(scenario, o);
  check_output(out, o.force);
  const auto lock = lock_output(out, o.force, "pledgesim run " + out.string());
  return execute(scenario, text, o, out, ensemble ? &*ensemble : nullptr, nullptr, "pledgesim run");
}

int resume_command(const std::string& checkpoint, const RunOptions& options) {
  const char* cmd = "pledgesim resume";
  const sim::InterruptGuard interrupt_guard;
  const auto reader = std::make_unique<sim::CheckpointReader>(checkpoint);
  const sim::CheckpointInfo& ci = reader->info();
  if (ci.software_version != sim::kSoftwareVersion)
    throw sim::CheckpointError(checkpoint + ": written by pledgesim " + ci.software_version +
                               ", this is pledgesim " + sim::kSoftwareVersion +
                               "; a checkpoint resumes only with the program that wrote it (run "
                               "the scenario again with this one)");
  const models::Scenario scenario = models::under_heading(
      checkpoint + ": its scenario is invalid",
      [&] { return models::parse_scenario(ci.scenario_text, checkpoint + ":/scenario/text"); });
  if (scenario.seed != ci.seed || scenario.weeks() != ci.weeks)
    throw sim::CheckpointError(checkpoint +
                               ": the root attributes seed and weeks do not match /scenario/text");

  RunOptions o = options;
  o.replications = static_cast<std::size_t>(ci.replications);
  o.events = ci.events;
  o.compress = ci.compress;  // the resumed file must be stored as the original would be
  o.checkpoint_every = ci.checkpoint_every;
  fs::path out = o.out;
  if (out.empty())
    out = checkpoint.ends_with(".ckpt")
              ? fs::path(checkpoint.substr(0, checkpoint.size() - std::string(".ckpt").size()))
              : fs::path(ci.output);
  check_memory(scenario, o);
  check_output(out, o.force);
  const auto lock = lock_output(out, o.force, "pledgesim resume " + checkpoint);
  const fs::path own_ckpt = sim::checkpoint_path_for(out);
  std::error_code ec;
  if (fs::exists(own_ckpt) && !fs::equivalent(own_ckpt, checkpoint, ec) && !o.force)
    throw sim::InputError(own_ckpt.string() +
                          " exists: another run's checkpoint for this output; use --force to "
                          "replace it, or --out to choose another file");

  // The ensemble of a run --parameters, read back as the run read it.
  std::optional<Ensemble> ensemble;
  models::ReplicationParameters parameters;
  if (!ci.parameters_text.empty()) {
    ensemble = Ensemble{models::parse_parameter_ensemble(
                            ci.parameters_text, checkpoint + ":/parameters/text", scenario),
                        ci.parameters_source};
    parameters = models::ensemble_parameters(ensemble->sets, o.replications);
  }

  // The markets of the batch in progress, built from the scenario and
  // loaded from the checkpoint before any output is written.
  ResumeFrom from{*reader, {}};
  from.resume.batch_first = static_cast<std::size_t>(ci.batch_first);
  from.resume.weeks_done = ci.weeks_done;
  auto& markets = from.resume.markets;
  {
    sim::ThreadLimit threads(o.threads);
    markets.resize(static_cast<std::size_t>(ci.batch_size));
    sim::for_each_index(markets.size(), [&](std::size_t k) {
      markets[k] =
          models::make_replication(scenario, from.resume.batch_first + k, ci.events, parameters);
    });
    // One market at a time: the HDF5 library is not thread-safe.
    for (std::size_t k = 0; k < markets.size(); ++k) {
      const std::size_t r = static_cast<std::size_t>(ci.batch_first) + k;
      models::LabourMarket& m = *markets[k];
      m.load_state(reader->state("replication_" + std::to_string(r)));
      if (m.weeks_done() != ci.weeks_done)
        throw sim::StateError(checkpoint + ": replication " + std::to_string(r) + " is at week " +
                              std::to_string(m.weeks_done()) + ", the checkpoint says " +
                              std::to_string(ci.weeks_done));
    }
  }
  if (!o.quiet)
    std::fprintf(stderr, "%s: %s at week %lld of %lld (replications %lld to %lld of %lld)\n", cmd,
                 checkpoint.c_str(), static_cast<long long>(ci.weeks_done),
                 static_cast<long long>(ci.weeks), static_cast<long long>(ci.batch_first),
                 static_cast<long long>(ci.batch_first + ci.batch_size - 1),
                 static_cast<long long>(ci.replications));
  return execute(scenario, ci.scenario_text, o, out, ensemble ? &*ensemble : nullptr, &from, cmd);
}

}  // namespace pledgesim::app
