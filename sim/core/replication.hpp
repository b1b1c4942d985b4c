// Seeds of a run's replications.
//
// Replication 0 runs on the scenario's seed unchanged, so a run of one
// replication is the run of that seed. Replication r > 0 runs on a seed mixed
// from (seed, r) by splitmix64, kept below 2^63 so that it fits the signed
// 64-bit integers of the output file (and R). Two scenarios run with the same
// seed and number of replications therefore share their random numbers
// replication by replication (common random numbers).
#pragma once

#include <cstdint>
#include <vector>

namespace pledgesim::sim {

// splitmix64's output function (Steele, Lea and Flood 2014).
constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

constexpr std::uint64_t replication_seed(std::uint64_t seed, std::uint64_t replication) {
  if (replication == 0) return seed;
  return splitmix64(seed ^ splitmix64(replication)) & 0x7FFFFFFFFFFFFFFFULL;
}

inline std::vector<std::uint64_t> replication_seeds(std::uint64_t seed, std::size_t replications) {
  std::vector<std::uint64_t> out(replications);
  for (std::size_t r = 0; r < replications; ++r) out[r] = replication_seed(seed, r);
  return out;
}

}  // namespace pledgesim::sim
