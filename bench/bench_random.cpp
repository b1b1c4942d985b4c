// Micro-benchmarks of the random-number layer (sim/core/random.hpp,
// sim/core/indexed_sampler.hpp) against what they replace: the uniform
// conversion against r123::u01<double>, and the guide-table sampler against
// std::upper_bound over the cumulative weights. Inputs are Philox words, so
// that every data-dependent branch is unpredictable, and each result goes
// through DoNotOptimize one by one, as in the simulation's scalar use.
#include <benchmark/benchmark.h>

#include <Random123/uniform.hpp>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "sim/core/indexed_sampler.hpp"
#include "sim/core/random.hpp"

namespace {

using pledgesim::sim::AgentDraws;
using pledgesim::sim::RandomStreams;

// 64Ki words (512 KiB): too many for the branch predictor to learn.
constexpr std::size_t kWords = 1 << 16;

std::vector<std::uint64_t> philox_words() {
  std::vector<std::uint64_t> w(kWords);
  const RandomStreams s(20240601, 1);
  for (std::size_t i = 0; i < kWords; i += 4) {
    const auto block = s.words(0, 0, i / 4);
    for (int k = 0; k < 4; ++k) w[i + static_cast<std::size_t>(k)] = block[k];
  }
  return w;
}

// The two-conversion alternative: exact too, branch-free, but two cvtsi2sd.
double split_u01(std::uint64_t w) {
  const double x = static_cast<double>(static_cast<std::uint32_t>(w >> 32)) * 0x1p32 +
                   static_cast<double>(static_cast<std::uint32_t>(w));
  return x * 0x1p-64 + 0x1p-65;
}

template <double (*Convert)(std::uint64_t)>
void BM_U01(benchmark::State& state) {
  const auto words = philox_words();
  for (auto _ : state) {
    for (std::uint64_t w : words) {
      double u = Convert(w);
      benchmark::DoNotOptimize(u);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kWords));
}
double r123_u01(std::uint64_t w) {
  return r123::u01<double>(w);
}
double sim_u01(std::uint64_t w) {
  return pledgesim::sim::u01(w);
}
BENCHMARK(BM_U01<r123_u01>)->Name("u01/r123");
BENCHMARK(BM_U01<sim_u01>)->Name("u01/sim");
BENCHMARK(BM_U01<split_u01>)->Name("u01/split_halves");

// Weights shaped like a zone's offers over authorities: log-normal with a
// large spread (a few authorities take most of the mass) and some zeros.
std::vector<double> market_like_cdf(std::size_t n) {
  const RandomStreams s(7, 2);
  AgentDraws d(s, 0, n);
  std::vector<double> cdf(n);
  double sum = 0;
  for (auto& c : cdf) c = sum += d.bernoulli(0.2) ? 0.0 : std::exp(2.0 * d.normal());
  return cdf;
}

std::vector<double> uniforms() {
  std::vector<double> u;
  for (std::uint64_t w : philox_words()) u.push_back(pledgesim::sim::u01(w));
  return u;
}

void BM_UpperBound(benchmark::State& state) {
  const auto cdf = market_like_cdf(static_cast<std::size_t>(state.range(0)));
  const auto us = uniforms();
  for (auto _ : state) {
    for (double u : us) {
      const auto it = std::upper_bound(cdf.begin(), cdf.end(), u * cdf.back());
      int i = it == cdf.end() ? -1 : static_cast<int>(it - cdf.begin());
      benchmark::DoNotOptimize(i);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kWords));
}
BENCHMARK(BM_UpperBound)->Name("sample/upper_bound")->Arg(35)->Arg(150);

void BM_Indexed(benchmark::State& state) {
  const auto cdf = market_like_cdf(static_cast<std::size_t>(state.range(0)));
  const auto us = uniforms();
  pledgesim::sim::IndexedSamplerTables sampler(1, cdf.size());
  sampler.build(0, cdf);
  for (auto _ : state) {
    for (double u : us) {
      int i = sampler.sample(0, u);
      benchmark::DoNotOptimize(i);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kWords));
}
BENCHMARK(BM_Indexed)->Name("sample/indexed")->Arg(35)->Arg(150);

// A week's rebuild: 90 tables (30 zones x 3 kinds) of E entries.
void BM_BuildTables(benchmark::State& state) {
  const auto e = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t kTables = 90;
  std::vector<double> flat;
  for (std::size_t t = 0; t < kTables; ++t) {
    const auto cdf = market_like_cdf(e + t % 2);
    flat.insert(flat.end(), cdf.begin(), cdf.begin() + static_cast<std::ptrdiff_t>(e));
  }
  pledgesim::sim::IndexedSamplerTables tables(kTables, e);
  for (auto _ : state) {
    tables.build_all(flat);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kTables));
}
BENCHMARK(BM_BuildTables)->Name("sample/build_90_tables")->Arg(35)->Arg(150);

}  // namespace

BENCHMARK_MAIN();
