#include "sim/app/run_command.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "analysis/cpp/annual_summary.hpp"
#include "models/market.hpp"
#include "models/metrics.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/progress.hpp"
#include "sim/io/hdf5_recorder.hpp"

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
  const std::string text = models::to_toml(scenario);
  if (o.print_scenario) {
    std::cout << text;
    return 0;
  }
  const fs::path out =
      o.out.empty() ? fs::path("results") / (scenario.name + ".h5") : fs::path(o.out);
  if (fs::is_directory(out)) {
    std::cerr << "pledgesim run: --out " << out.string() << " is a directory; give a file name\n";
    return 2;
  }

  sim::ThreadLimit threads(o.threads);
  const auto t0 = std::chrono::steady_clock::now();
  models::LabourMarket market(scenario);
  const std::int64_t weeks = scenario.weeks();

  sim::RunInfo info;
  info.scenario_name = scenario.name;
  info.scenario_text = text;
  info.software_version = PLEDGESIM_VERSION;
  info.seed = scenario.seed;
  info.weeks = weeks;
  info.entities = market.employer_table();
  info.series = models::metric_specs();

  sim::Hdf5Recorder recorder(out);
  try {
    recorder.begin(info);
  } catch (const std::exception& e) {
    std::cerr << "pledgesim run: cannot write " << out.string() << ": " << e.what() << '\n';
    return 2;
  }
  sim::Progress progress("pledgesim run " + scenario.name, weeks, o.quiet);
  for (std::int64_t w = 0; w < weeks; ++w) {
    market.step();
    recorder.record_week(w, market.clock().week_start(w).iso(), market.week_series());
    progress.update(w + 1, market.clock().week_start(w).iso());
  }
  recorder.finish();
  progress.finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (!o.quiet)
    std::fprintf(stderr, "pledgesim run: %lld weeks, %zu practitioners, %.2f s; wrote %s\n",
                 static_cast<long long>(weeks), market.population().size(), seconds,
                 out.string().c_str());
  if (o.summary) std::cout << analysis::format_summary(analysis::summarize_run(out));
  return 0;
}

}  // namespace pledgesim::app
