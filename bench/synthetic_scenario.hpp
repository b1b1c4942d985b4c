// A synthetic scenario of any size for benchmarks: `practitioners` in all
// (employed plus the inactive pool), spread over `authorities` employers in
// London-like sub-regions and two neighbouring regions, three agencies, and
// every policy lever on (caps, price caps, cooling-off, experience rule,
// harmonised pay, references, golden hellos, retention, notice, bank, ASYE
// pipeline, trainee pay, progression, relocation, no-poach), so the step does
// all its work.
#pragma once

#include <cstddef>

#include "models/scenario.hpp"

namespace pledgesim::bench {

models::Scenario synthetic_scenario(std::size_t practitioners, std::size_t authorities = 150,
                                    std::int64_t years = 10);

}  // namespace pledgesim::bench
