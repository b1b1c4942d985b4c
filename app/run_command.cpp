#include "app/run_command.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "analysis/cpp/annual_summary.hpp"
#include "analysis/cpp/run_file.hpp"
#include "models/invariants.hpp"
#include "models/market.hpp"
#include "models/metrics.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/progress.hpp"
#include "sim/core/replication.hpp"
#include "sim/io/checkpoint.hpp"
#include "sim/io/hdf5_recorder.hpp"
#include "sim/io/output_file.hpp"

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
  models::Scenario scenario;
  try {
    scenario = resolve_scenario(o);
  } catch (const models::ScenarioError& e) {
    std::cerr << "pledgesim run: invalid scenario\n" << e.what() << '\n';
    return 2;
  }
  return run_resolved(scenario, o);
}

namespace {

// Where a resumed run starts: its checkpoint, read and checked.
struct ResumeFrom {
  const sim::CheckpointReader& reader;
  std::vector<std::unique_ptr<models::LabourMarket>> markets;  // the batch in progress, loaded
};

void remove_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
}

std::string checkpoint_tmp(const fs::path& ckpt) {
  return ckpt.string() + ".tmp";
}

// Runs `scenario` into `out`, from the start or (with `from`) from a
// checkpoint. `text` is the resolved scenario recorded in the file.
int execute(const models::Scenario& scenario, const std::string& text, const RunOptions& o,
            const fs::path& out, ResumeFrom* from, const char* cmd) {
  const std::size_t replications = std::max<std::size_t>(1, o.replications);
  if (o.events && replications > 1) {
    std::cerr << cmd
              << ": --events records the events of one replication; run each replication you "
                 "need on its own seed with --replications 1 (replication r's seed is "
                 "/replications/seed[r] of a run with replications, and replication 0's is the "
                 "seed itself)\n";
    return 2;
  }
  const fs::path ckpt = sim::checkpoint_path_for(out);
  const bool checkpointing = o.checkpoint_every > 0;
  if (!from && fs::exists(ckpt)) {
    if (!o.force) {
      std::cerr << cmd << ": " << ckpt.string()
                << " exists: a checkpoint of an unfinished run of this output. Continue it with "
                   "`pledgesim resume "
                << ckpt.string()
                << "`, or use --force to start again (the checkpoint is removed)\n";
      return 2;
    }
    remove_quietly(ckpt);
  }

  sim::ThreadLimit threads(o.threads);
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<std::uint64_t> seeds = sim::replication_seeds(scenario.seed, replications);

  // Replications run in batches of at most one per worker thread, the markets
  // of a batch stepping a week at a time side by side (each also parallel
  // inside its step), so memory holds one batch of markets and one chunk of
  // series per replication. Each market depends only on its own seed, so the
  // output does not depend on the batch size or the thread count. A resumed
  // run finishes the batch of its checkpoint, then goes on in batches of its own.
  const std::size_t concurrency = o.threads == 0 ? sim::max_concurrency() : o.threads;
  const std::size_t batch = std::clamp<std::size_t>(concurrency, 1, replications);
  auto make_market = [&](std::size_t r) {
    models::Scenario s = scenario;
    s.seed = seeds[r];
    auto m = std::make_unique<models::LabourMarket>(s);
    m->set_event_recording(o.events);
    return m;
  };
  const std::size_t start_first =
      from ? static_cast<std::size_t>(from->reader.info().batch_first) : 0;
  std::vector<std::unique_ptr<models::LabourMarket>> markets;
  if (from)
    markets = std::move(from->markets);
  else
    markets.push_back(make_market(0));
  const std::int64_t weeks = scenario.weeks();

  sim::RunInfo info;
  info.scenario_name = scenario.name;
  info.scenario_text = text;
  info.software_version = PLEDGESIM_VERSION;
  info.seed = scenario.seed;
  info.weeks = weeks;
  info.entities = markets.front()->employer_table();
  info.series = models::metric_specs();
  info.replication_seeds = seeds;
  if (o.events) info.events = markets.front()->event_table();
  if (from) info.created_utc = from->reader.info().output_created_utc;

  sim::Hdf5Recorder recorder(out);
  try {
    recorder.begin(info);
  } catch (const sim::WriteError&) {
    throw;  // a write failed (disk full): exit 1
  } catch (const std::exception& e) {
    std::cerr << cmd << ": cannot write " << out.string() << ": " << e.what() << '\n';
    return 2;
  }
  if (from) {
    try {
      recorder.restore_recorded(from->reader);
    } catch (const sim::CheckpointError& e) {
      std::cerr << cmd << ": " << e.what() << '\n';
      return 2;
    }
  }

  std::int64_t checkpoints_written = 0;
  // The state of the batch [first, first + n) after `done_weeks` weeks, with
  // what the output recorded so far, atomically replacing the last checkpoint.
  auto write_checkpoint = [&](std::size_t first, std::size_t n, std::int64_t done_weeks) {
    sim::CheckpointInfo ci;
    ci.software_version = PLEDGESIM_VERSION;
    ci.scenario_name = scenario.name;
    ci.scenario_text = text;
    ci.seed = scenario.seed;
    ci.weeks = weeks;
    ci.weeks_done = done_weeks;
    ci.replications = static_cast<std::int64_t>(replications);
    ci.batch_first = static_cast<std::int64_t>(first);
    ci.batch_size = static_cast<std::int64_t>(n);
    ci.events = o.events;
    ci.checkpoint_every = o.checkpoint_every;
    ci.output = fs::absolute(out).string();
    ci.output_created_utc = recorder.created_utc();
    sim::CheckpointWriter writer(ckpt, ci);
    for (std::size_t k = 0; k < n; ++k)
      markets[k]->save_state(writer.state("replication_" + std::to_string(first + k)));
    recorder.save_recorded(writer);
    writer.close();
    if (++checkpoints_written == o.kill_in_checkpoint) std::raise(SIGKILL);  // testing
    writer.commit();
  };

  const std::string label =
      std::string(cmd) + " " + scenario.name +
      (replications > 1 ? " (" + std::to_string(replications) + " replications)" : "");
  sim::Progress progress(label, weeks * static_cast<std::int64_t>(replications), o.quiet);
  std::size_t practitioners = 0;
  std::int64_t done = 0;
  std::int64_t stepped = 0;                   // weeks stepped by this process (testing options)
  std::vector<std::vector<double>> previous;  // last week's series, for --check
  for (std::size_t first = start_first; first < replications;) {
    const bool resumed_batch = from && first == start_first;
    const std::size_t n = resumed_batch ? markets.size() : std::min(batch, replications - first);
    const std::int64_t w0 = resumed_batch ? from->reader.info().weeks_done : 0;
    if (!resumed_batch) {
      markets.resize(n);
      sim::for_each_index(n, [&](std::size_t k) {
        if (first > 0 || k > 0) markets[k] = make_market(first + k);
      });
    }
    done = static_cast<std::int64_t>(first) * weeks + w0 * static_cast<std::int64_t>(n);
    for (std::int64_t w = w0; w < weeks; ++w) {
      if (sim::interrupted() || (o.stop_after_weeks > 0 && stepped == o.stop_after_weeks)) {
        // Ctrl-C or SIGTERM: keep what is done, marked incomplete, under
        // .partial, and with checkpoints on, a checkpoint at this week.
        progress.finish();
        const bool checkpointed = checkpointing && (w > 0 || first > 0);
        if (checkpointed) write_checkpoint(first, n, w);
        const auto kept = recorder.keep_incomplete(w);
        if (!o.quiet) {
          std::fprintf(stderr,
                       "%s: interrupted at week %lld of %lld (replications %zu to %zu); the "
                       "weeks done are in %s (attribute incomplete = 1).\n",
                       cmd, static_cast<long long>(w), static_cast<long long>(weeks), first,
                       first + n - 1, kept.string().c_str());
          if (checkpointed)
            std::fprintf(stderr,
                         "%s: checkpoint %s holds the run at week %lld; continue it with:\n"
                         "  pledgesim resume %s\n",
                         cmd, ckpt.string().c_str(), static_cast<long long>(w),
                         ckpt.string().c_str());
          else
            std::fprintf(stderr,
                         "%s: run the same command again to redo the run (with "
                         "--checkpoint-every WEEKS a stopped run can be resumed).\n",
                         cmd);
        }
        return kInterruptedExit;
      }
      if (o.check) {
        previous.resize(n);
        for (std::size_t k = 0; k < n; ++k) {
          const auto row = markets[k]->week_series();
          previous[k].assign(row.begin(), row.end());
        }
      }
      sim::for_each_index(n, [&](std::size_t k) { markets[k]->step(); });
      if (o.check)
        for (std::size_t k = 0; k < n; ++k)
          if (const auto bad = models::check_invariants(*markets[k], previous[k]); !bad.empty()) {
            for (const auto& b : bad)
              std::cerr << cmd << ": invariant violated (replication " << first + k << "): " << b
                        << '\n';
            return 1;
          }
      const std::string date = markets.front()->clock().week_start(w).iso();
      for (std::size_t k = 0; k < n; ++k) {
        recorder.record_week(first + k, w, date, markets[k]->week_series());
        if (o.events) recorder.record_events(first + k, w, markets[k]->event_columns());
      }
      done += static_cast<std::int64_t>(n);
      ++stepped;
      progress.update(done, date);
      if (checkpointing && (w + 1) % o.checkpoint_every == 0 && w + 1 < weeks)
        write_checkpoint(first, n, w + 1);
      if (o.kill_after_weeks > 0 && stepped == o.kill_after_weeks) std::raise(SIGKILL);  // testing
    }
    for (const auto& m : markets) practitioners += m->population().size();
    markets.clear();
    first += n;
  }
  recorder.finish();
  progress.finish();
  // The run is complete: its checkpoint is no longer needed.
  remove_quietly(ckpt);
  remove_quietly(checkpoint_tmp(ckpt));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

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
    std::cout << analysis::format_summary(analysis::summarize(analysis::open_run_file(out), so),
                                          analysis::Format::kTable);
  }
  return 0;
}

// Checks that `out` may be written, before any simulation time is spent
// (sim/io/output_file.hpp): 0, or the exit status after a message.
int check_output(const fs::path& out, bool force, const char* cmd) {
  if (const auto problem = sim::output_file_problem(out, force)) {
    std::cerr << cmd << ": " << *problem << '\n';
    return 2;
  }
  return 0;
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
  if (const int status = check_output(out, o.force, "pledgesim run")) return status;
  return execute(scenario, text, o, out, nullptr, "pledgesim run");
}

int resume_command(const std::string& checkpoint, const RunOptions& options) {
  const char* cmd = "pledgesim resume";
  const sim::InterruptGuard interrupt_guard;
  std::unique_ptr<sim::CheckpointReader> reader;
  try {
    reader = std::make_unique<sim::CheckpointReader>(checkpoint);
  } catch (const sim::CheckpointError& e) {
    std::cerr << cmd << ": " << e.what() << '\n';
    return 2;
  }
  const sim::CheckpointInfo& ci = reader->info();
  if (ci.software_version != PLEDGESIM_VERSION) {
    std::cerr << cmd << ": " << checkpoint << ": written by pledgesim " << ci.software_version
              << ", this is pledgesim " << PLEDGESIM_VERSION
              << "; a checkpoint resumes only with the program that wrote it (run the scenario "
                 "again with this one)\n";
    return 2;
  }
  models::Scenario scenario;
  try {
    scenario = models::parse_scenario(ci.scenario_text, checkpoint + ":/scenario/text");
  } catch (const models::ScenarioError& e) {
    std::cerr << cmd << ": " << checkpoint << ": its scenario is invalid\n" << e.what() << '\n';
    return 2;
  }
  if (scenario.seed != ci.seed || scenario.weeks() != ci.weeks) {
    std::cerr << cmd << ": " << checkpoint
              << ": the root attributes seed and weeks do not match /scenario/text\n";
    return 2;
  }

  RunOptions o = options;
  o.replications = static_cast<std::size_t>(ci.replications);
  o.events = ci.events;
  o.checkpoint_every = ci.checkpoint_every;
  fs::path out = o.out;
  if (out.empty())
    out = checkpoint.ends_with(".ckpt")
              ? fs::path(checkpoint.substr(0, checkpoint.size() - std::string(".ckpt").size()))
              : fs::path(ci.output);
  if (const int status = check_output(out, o.force, cmd)) return status;
  const fs::path own_ckpt = sim::checkpoint_path_for(out);
  std::error_code ec;
  if (fs::exists(own_ckpt) && !fs::equivalent(own_ckpt, checkpoint, ec) && !o.force) {
    std::cerr << cmd << ": " << own_ckpt.string()
              << " exists: another run's checkpoint for this output; use --force to replace it, "
                 "or --out to choose another file\n";
    return 2;
  }

  // The markets of the batch in progress, built from the scenario and
  // loaded from the checkpoint before any output is written.
  const std::vector<std::uint64_t> seeds =
      sim::replication_seeds(scenario.seed, static_cast<std::size_t>(ci.replications));
  ResumeFrom from{*reader, {}};
  {
    sim::ThreadLimit threads(o.threads);
    from.markets.resize(static_cast<std::size_t>(ci.batch_size));
    sim::for_each_index(from.markets.size(), [&](std::size_t k) {
      models::Scenario s = scenario;
      s.seed = seeds[static_cast<std::size_t>(ci.batch_first) + k];
      from.markets[k] = std::make_unique<models::LabourMarket>(s);
      from.markets[k]->set_event_recording(ci.events);
    });
    try {
      // One market at a time: the HDF5 library is not thread-safe.
      for (std::size_t k = 0; k < from.markets.size(); ++k) {
        const std::size_t r = static_cast<std::size_t>(ci.batch_first) + k;
        models::LabourMarket& m = *from.markets[k];
        m.load_state(reader->state("replication_" + std::to_string(r)));
        if (m.weeks_done() != ci.weeks_done)
          throw sim::StateError(checkpoint + ": replication " + std::to_string(r) + " is at week " +
                                std::to_string(m.weeks_done()) + ", the checkpoint says " +
                                std::to_string(ci.weeks_done));
      }
    } catch (const sim::StateError& e) {
      std::cerr << cmd << ": " << e.what() << '\n';
      return 2;
    } catch (const sim::CheckpointError& e) {
      std::cerr << cmd << ": " << e.what() << '\n';
      return 2;
    }
  }
  if (!o.quiet)
    std::fprintf(stderr, "%s: %s at week %lld of %lld (replications %lld to %lld of %lld)\n", cmd,
                 checkpoint.c_str(), static_cast<long long>(ci.weeks_done),
                 static_cast<long long>(ci.weeks), static_cast<long long>(ci.batch_first),
                 static_cast<long long>(ci.batch_first + ci.batch_size - 1),
                 static_cast<long long>(ci.replications));
  return execute(scenario, ci.scenario_text, o, out, &from, cmd);
}

}  // namespace pledgesim::app
