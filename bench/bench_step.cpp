// Micro-benchmarks of the engine: random draws and the weekly market step.
// Run: ./build/release/bench/bench_step  (not part of ctest)
#include <benchmark/benchmark.h>

#include "models/market.hpp"
#include "models/scenario.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/random.hpp"

namespace {

void BM_PhiloxUniform(benchmark::State& state) {
  const pledgesim::sim::RandomStreams streams(1, 2);
  std::uint64_t agent = 0;
  double sum = 0;
  for (auto _ : state) {
    pledgesim::sim::AgentDraws d(streams, 0, agent++);
    sum += d.uniform() + d.uniform() + d.uniform() + d.uniform();
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * 4);
}
BENCHMARK(BM_PhiloxUniform);

// One simulated week of the London baseline scaled by range(0); range(1) threads.
void BM_MarketWeek(benchmark::State& state) {
  auto s = pledgesim::models::builtin_default_scenario();
  const double scale = static_cast<double>(state.range(0));
  for (auto& a : s.authorities)
    a.inpost_fte *= scale, a.vacancy_fte *= scale, a.agency_fte *= scale;
  s.population.nqsw_intake_per_year = static_cast<std::int64_t>(650 * scale);
  pledgesim::sim::ThreadLimit limit(static_cast<std::size_t>(state.range(1)));
  pledgesim::models::LabourMarket market(s);
  for (auto _ : state) market.step();
  state.counters["practitioners"] = static_cast<double>(market.population().size());
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(market.population().size()));
}
BENCHMARK(BM_MarketWeek)
    ->ArgsProduct({{1, 10, 100}, {1, 2}})
    ->ArgNames({"london_x", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
