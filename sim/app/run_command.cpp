#include "sim/app/run_command.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "analysis/cpp/annual_summary.hpp"
#include "analysis/cpp/run_file.hpp"
#include "models/invariants.hpp"
#include "models/market.hpp"
#include "models/metrics.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/progress.hpp"
#include "sim/core/replication.hpp"
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

int run_resolved(const models::Scenario& scenario, const RunOptions& o) {
  const sim::InterruptGuard interrupt_guard;
  const std::string text = models::to_toml(scenario);
  if (o.print_scenario) {
    std::cout << text;
    return 0;
  }
  const fs::path out =
      o.out.empty() ? fs::path("results") / (scenario.name + ".h5") : fs::path(o.out);
  // Before any simulation time is spent (sim/io/output_file.hpp).
  if (const auto problem = sim::output_file_problem(out, o.force)) {
    std::cerr << "pledgesim run: " << *problem << '\n';
    return 2;
  }

  sim::ThreadLimit threads(o.threads);
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t replications = std::max<std::size_t>(1, o.replications);
  const std::vector<std::uint64_t> seeds = sim::replication_seeds(scenario.seed, replications);

  // Replications run in batches of at most one per worker thread, the markets
  // of a batch stepping a week at a time side by side (each also parallel
  // inside its step), so memory holds one batch of markets and one chunk of
  // series per replication. Each market depends only on its own seed, so the
  // output does not depend on the batch size or the thread count.
  const std::size_t concurrency =
      o.threads == 0 ? static_cast<std::size_t>(tbb::this_task_arena::max_concurrency())
                     : o.threads;
  const std::size_t batch = std::clamp<std::size_t>(concurrency, 1, replications);
  auto make_market = [&](std::size_t r) {
    models::Scenario s = scenario;
    s.seed = seeds[r];
    return std::make_unique<models::LabourMarket>(s);
  };
  std::vector<std::unique_ptr<models::LabourMarket>> markets;
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

  sim::Hdf5Recorder recorder(out);
  try {
    recorder.begin(info);
  } catch (const sim::WriteError&) {
    throw;  // a write failed (disk full): exit 1
  } catch (const std::exception& e) {
    std::cerr << "pledgesim run: cannot write " << out.string() << ": " << e.what() << '\n';
    return 2;
  }
  const std::string label =
      "pledgesim run " + scenario.name +
      (replications > 1 ? " (" + std::to_string(replications) + " replications)" : "");
  sim::Progress progress(label, weeks * static_cast<std::int64_t>(replications), o.quiet);
  std::size_t practitioners = 0;
  std::int64_t done = 0;
  std::vector<std::vector<double>> previous;  // last week's series, for --check
  for (std::size_t first = 0; first < replications; first += batch) {
    const std::size_t n = std::min(batch, replications - first);
    markets.resize(n);
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t k) {
      if (first > 0 || k > 0) markets[k] = make_market(first + k);
    });
    for (std::int64_t w = 0; w < weeks; ++w) {
      if (sim::interrupted()) {
        // Ctrl-C or SIGTERM: keep what is done, marked incomplete, under .partial.
        progress.finish();
        const auto kept = recorder.keep_incomplete(w);
        if (!o.quiet)
          std::fprintf(stderr,
                       "pledgesim run: interrupted at week %lld of %lld (replications %zu to "
                       "%zu); the weeks done are in %s (attribute incomplete = 1). Run the same "
                       "command again to redo the run: checkpoints are not implemented yet.\n",
                       static_cast<long long>(w), static_cast<long long>(weeks), first,
                       first + n - 1, kept.string().c_str());
        return kInterruptedExit;
      }
      if (o.check) {
        previous.resize(n);
        for (std::size_t k = 0; k < n; ++k) {
          const auto row = markets[k]->week_series();
          previous[k].assign(row.begin(), row.end());
        }
      }
      tbb::parallel_for(std::size_t{0}, n, [&](std::size_t k) { markets[k]->step(); });
      if (o.check)
        for (std::size_t k = 0; k < n; ++k)
          if (const auto bad = models::check_invariants(*markets[k], previous[k]); !bad.empty()) {
            for (const auto& b : bad)
              std::cerr << "pledgesim run: invariant violated (replication " << first + k
                        << "): " << b << '\n';
            return 1;
          }
      const std::string date = markets.front()->clock().week_start(w).iso();
      for (std::size_t k = 0; k < n; ++k)
        recorder.record_week(first + k, w, date, markets[k]->week_series());
      done += static_cast<std::int64_t>(n);
      progress.update(done, date);
    }
    for (const auto& m : markets) practitioners += m->population().size();
    markets.clear();
  }
  recorder.finish();
  progress.finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (!o.quiet) {
    if (replications == 1)
      std::fprintf(stderr, "pledgesim run: %lld weeks, %zu practitioners, %.2f s; wrote %s\n",
                   static_cast<long long>(weeks), practitioners, seconds, out.string().c_str());
    else
      std::fprintf(stderr,
                   "pledgesim run: %zu replications of %lld weeks, %zu practitioners in all, "
                   "%.2f s; wrote %s\n",
                   replications, static_cast<long long>(weeks), practitioners, seconds,
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

}  // namespace pledgesim::app
