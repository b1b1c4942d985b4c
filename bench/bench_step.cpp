// Benchmarks of the engine (Google Benchmark; run by bench/run.sh, never by
// ctest): random draws, the weekly step at 100k / 1M (and, with
// PLEDGESIM_BENCH_FULL=1, 10M) practitioners on a synthetic scenario with
// every lever on, against a memory-bandwidth floor measured in the same run,
// and end-to-end runs with and without HDF5 series output.
#include <benchmark/benchmark.h>

#include <unistd.h>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include "bench/synthetic_scenario.hpp"
#include "models/market.hpp"
#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/random.hpp"
#include "sim/io/hdf5_recorder.hpp"

namespace {

namespace pm = pledgesim::models;
namespace ps = pledgesim::sim;

// Resident memory of this process now, in bytes (Linux /proc).
double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  double pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE));
}

// The floor: seconds to stream once through `bytes` (read and write every
// 8-byte word), in the same fixed blocks and threads as the step; best of 5.
double stream_seconds(std::size_t bytes) {
  std::vector<std::uint64_t> words(bytes / 8 + 1, 1);
  double best = 1e9;
  for (int k = 0; k < 5; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    ps::for_each_block(words.size(), ps::kDefaultBlockSize,
                       [&](std::size_t, std::size_t begin, std::size_t end) {
                         for (std::size_t i = begin; i < end; ++i) words[i] = words[i] * 3 + 1;
                       });
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  benchmark::DoNotOptimize(words.data());
  return best;
}

// Random draws as the step takes them: one Philox4x64-10 block (four
// uniforms) for each of 4096 practitioners in turn, so independent blocks can
// overlap in the pipeline. Reports the time per block.
void BM_PhiloxBlock(benchmark::State& state) {
  const ps::RandomStreams streams(1, 2);
  constexpr std::uint64_t kAgents = 4096;
  std::uint64_t week = 0;
  double sum = 0;
  for (auto _ : state) {
    for (std::uint64_t agent = 0; agent < kAgents; ++agent) {
      ps::AgentDraws d(streams, week, agent);
      sum += d.uniform() + d.uniform() + d.uniform() + d.uniform();
    }
    ++week;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kAgents));
  state.counters["ns_per_block"] =
      benchmark::Counter(static_cast<double>(state.iterations() * kAgents) * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_PhiloxBlock);

// One week of the synthetic market: range(0) practitioners, range(1) threads.
// Counters: time per practitioner-week, the floor and step / floor, the share
// of each phase, and memory per practitioner (columns, and resident).
void BM_Week(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  ps::ThreadLimit limit(static_cast<std::size_t>(state.range(1)));
  // Google Benchmark calls this function several times; memory freed by an
  // earlier call is reused without growing the resident set, so keep the
  // growth seen the first time for each size.
  static std::map<std::size_t, double> first_growth;
  const double rss0 = resident_bytes();
  pm::LabourMarket market(pledgesim::bench::synthetic_scenario(n));
  const double rss1 = resident_bytes();
  const double growth = first_growth.emplace(n, rss1 - rss0).first->second;
  for (int w = 0; w < 4; ++w) market.step();  // past the first week's transient
  const auto before = market.step_stats();
  std::int64_t weeks = 0;
  for (auto _ : state) market.step(), ++weeks;
  const auto& after = market.step_stats();
  const double size = static_cast<double>(market.population().size());
  const double column_bytes = size * static_cast<double>(market.population().bytes_per_agent());
  const double floor = stream_seconds(static_cast<std::size_t>(column_bytes));
  const double step = (after.events_and_prices - before.events_and_prices + after.choose -
                       before.choose + after.clear - before.clear + after.apply - before.apply +
                       after.authorities - before.authorities) /
                      static_cast<double>(weeks);
  auto share = [&](double a, double b) { return (a - b) / static_cast<double>(weeks) / step; };
  auto ms = [&](double a, double b) { return (a - b) / static_cast<double>(weeks) * 1e3; };
  // Each phase on its own (ms a week): the practitioner pass (ageing, stress,
  // hazards, offers and the choice, fused so the columns are read once),
  // clearing, applying outcomes with the per-employer reductions, and the
  // per-employer update with the week's prices.
  state.counters["choose_ms"] = ms(after.choose, before.choose);
  state.counters["clear_ms"] = ms(after.clear, before.clear);
  state.counters["apply_ms"] = ms(after.apply, before.apply);
  state.counters["other_ms"] = ms(after.events_and_prices + after.authorities,
                                  before.events_and_prices + before.authorities);
  state.counters["practitioners"] = size;
  // Who the event-driven step visits: the share of practitioners a week, and
  // of authorities whose stress could pass a bound (everyone there visited).
  state.counters["visited_share"] =
      static_cast<double>(after.visits - before.visits) / static_cast<double>(weeks) / size;
  const auto authority_weeks =
      static_cast<double>(weeks) * static_cast<double>(market.authority_count());
  state.counters["all_posts_share"] =
      static_cast<double>(after.all_posts_weeks - before.all_posts_weeks) / authority_weeks;
  state.counters["all_locums_share"] =
      static_cast<double>(after.all_locums_weeks - before.all_locums_weeks) / authority_weeks;
  state.counters["ns_per_practitioner_week"] = step / size * 1e9;
  state.counters["floor_ms"] = floor * 1e3;
  state.counters["step_over_floor"] = step / floor;
  state.counters["share_choose"] = share(after.choose, before.choose);
  state.counters["share_clear"] = share(after.clear, before.clear);
  state.counters["share_apply"] = share(after.apply, before.apply);
  state.counters["share_other"] = share(after.events_and_prices + after.authorities,
                                        before.events_and_prices + before.authorities);
  state.counters["column_bytes_per_practitioner"] =
      static_cast<double>(market.population().bytes_per_agent());
  state.counters["resident_bytes_per_practitioner"] =
      growth / static_cast<double>(market.population().size() > 0 ? n : 1);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(size));
}
BENCHMARK(BM_Week)
    ->ArgsProduct({{100'000, 1'000'000}, {1, 2}})
    ->ArgNames({"practitioners", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2.0);

// The scenario of a 10-year benchmark: 0 = the built-in scenario (London and
// its two neighbouring regions), -1 = its 32 London boroughs alone (about the
// size of London's children's social work market), else a synthetic market.
pm::Scenario ten_year_scenario(std::int64_t practitioners) {
  pm::Scenario s =
      practitioners > 0
          ? pledgesim::bench::synthetic_scenario(static_cast<std::size_t>(practitioners))
          : pm::builtin_default_scenario();
  if (practitioners < 0)
    std::erase_if(s.authorities, [](const pm::AuthorityData& a) { return a.region != "London"; });
  s.years = 10;
  return s;
}

// A whole run: range(0) practitioners (see ten_year_scenario) for 10 years;
// range(1) output: 0 none, 1 HDF5 series, 2 series and events (--events),
// 3 series compressed (--compress), 4 series and events compressed;
// range(2) threads (0 = all cores). Reports practitioner-weeks per second,
// CPU seconds of the process and the size of the file written (file_bytes).
void BM_TenYears(benchmark::State& state) {
  const bool output = state.range(1) != 0;
  const bool events = state.range(1) == 2 || state.range(1) == 4;
  const auto compression = state.range(1) >= 3 ? ps::Compression::deflate : ps::Compression::none;
  const pm::Scenario s = ten_year_scenario(state.range(0));
  ps::ThreadLimit limit(static_cast<std::size_t>(state.range(2)));  // 0: all cores
  const auto out = std::filesystem::temp_directory_path() /
                   ("pledgesim-bench-" + std::to_string(::getpid()) + ".h5");
  double practitioner_weeks = 0;
  double file_bytes = 0;
  pm::LabourMarket::StepStats visits;  // of the last iteration
  for (auto _ : state) {
    pm::LabourMarket market(s);
    market.set_event_recording(events);
    std::unique_ptr<ps::Hdf5Recorder> recorder;
    if (output) {
      recorder = std::make_unique<ps::Hdf5Recorder>(out, 0, compression);
      ps::RunInfo info;
      info.scenario_name = s.name;
      info.software_version = "bench";
      info.seed = s.seed;
      info.weeks = s.weeks();
      info.entities = market.employer_table();
      info.series = pm::metric_specs();
      if (events) info.events = market.event_table();
      recorder->begin(info);
    }
    for (std::int64_t w = 0; w < s.weeks(); ++w) {
      market.step();
      practitioner_weeks += static_cast<double>(market.population().size());
      if (recorder)
        recorder->record_week(0, w, market.clock().week_start(w).iso(), market.week_series());
      if (events) recorder->record_events(0, w, market.event_columns());
    }
    if (recorder) {
      recorder->finish();
      file_bytes = static_cast<double>(std::filesystem::file_size(out));
    }
    visits = market.step_stats();
  }
  std::filesystem::remove(out);
  if (output) state.counters["file_bytes"] = file_bytes;
  state.counters["practitioner_weeks_per_s"] =
      benchmark::Counter(practitioner_weeks, benchmark::Counter::kIsRate);
  state.counters["practitioners_per_week"] =
      practitioner_weeks / static_cast<double>(state.iterations() * s.weeks());
  // Who was visited: of practitioner-weeks, and of authority-weeks where all
  // post holders or all locums were.
  const double iteration_weeks = practitioner_weeks / static_cast<double>(state.iterations());
  state.counters["visited_share"] = static_cast<double>(visits.visits) / iteration_weeks;
  const double authority_weeks =
      static_cast<double>(s.weeks()) * static_cast<double>(s.authorities.size());
  state.counters["all_posts_share"] = static_cast<double>(visits.all_posts_weeks) / authority_weeks;
  state.counters["all_locums_share"] =
      static_cast<double>(visits.all_locums_weeks) / authority_weeks;
}
// London-sized runs on one thread: the CPU seconds a sweep pays per run (a
// sweep runs one market per core).
BENCHMARK(BM_TenYears)
    ->ArgsProduct({{-1, 0}, {0, 1, 3}, {1}})
    ->ArgNames({"practitioners", "output", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
// All cores. London and 100k: three runs each (timings are means); 1M: one run.
BENCHMARK(BM_TenYears)
    ->ArgsProduct({{-1, 0, 100'000}, {0, 1, 2, 4}, {0}})
    ->ArgNames({"practitioners", "output", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(BM_TenYears)
    ->ArgsProduct({{1'000'000}, {0, 1, 2}, {0}})
    ->ArgNames({"practitioners", "output", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// Writing the weekly series alone: range(0) employers, 10 years of weeks into
// a fresh file per iteration (begin, 522 record_week calls, finish), with the
// market's own series specification; range(1) 1 = compressed (--compress).
// Reports the time per week written and the file's size.
void BM_SeriesWrite(benchmark::State& state) {
  const auto employers = static_cast<std::size_t>(state.range(0));
  const auto compression = state.range(1) ? ps::Compression::deflate : ps::Compression::none;
  const auto specs = pm::metric_specs();
  ps::RunInfo info;
  info.scenario_name = "bench";
  info.software_version = "bench";
  info.weeks = 522;
  info.series = specs;
  info.entities.group = "employers";
  std::vector<std::string> names;
  for (std::size_t e = 0; e < employers; ++e) names.push_back("employer " + std::to_string(e));
  info.entities.strings.push_back({"name", names});
  std::vector<double> row(specs.size() * employers);
  for (std::size_t k = 0; k < row.size(); ++k) row[k] = static_cast<double>(k % 97) * 1.5;
  const auto out = std::filesystem::temp_directory_path() /
                   ("pledgesim-bench-series-" + std::to_string(::getpid()) + ".h5");
  const std::string date = "2020-01-06";
  for (auto _ : state) {
    std::filesystem::remove(out);
    ps::Hdf5Recorder recorder(out, 0, compression);
    recorder.begin(info);
    for (std::int64_t w = 0; w < info.weeks; ++w) {
      row[0] = static_cast<double>(w);
      recorder.record_week(0, w, date, row);
    }
    recorder.finish();
  }
  state.counters["weeks_per_iteration"] = static_cast<double>(info.weeks);
  state.counters["values_per_week"] = static_cast<double>(row.size());
  state.counters["file_bytes"] = static_cast<double>(std::filesystem::file_size(out));
  std::filesystem::remove(out);
}
BENCHMARK(BM_SeriesWrite)
    ->ArgsProduct({{35, 150}, {0, 1}})
    ->ArgNames({"employers", "compress"})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);

}  // namespace

int main(int argc, char** argv) {
  if (const char* full = std::getenv("PLEDGESIM_BENCH_FULL"); full && std::string(full) == "1") {
    BENCHMARK(BM_Week)
        ->Args({10'000'000, 1})
        ->Args({10'000'000, 2})
        ->ArgNames({"practitioners", "threads"})
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Iterations(3);
    BENCHMARK(BM_TenYears)
        ->Args({10'000'000, 1, 0})
        ->Args({10'000'000, 2, 0})
        ->ArgNames({"practitioners", "output", "threads"})
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1)
        ->MeasureProcessCPUTime()
        ->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
