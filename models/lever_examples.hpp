// One lever of every kind, in overlapping scopes (London, the signatories,
// the neighbouring regions, all), with the published figures of the
// README's Policy levers table where there are any. Tests and benchmarks use it to exercise every
// rule at once; it is not a policy scenario (see scenarios/ for those).
#pragma once

#include <vector>

#include "models/policy.hpp"

namespace pledgesim::models {

std::vector<Policy> one_of_every_lever(sim::Date start);

}  // namespace pledgesim::models
