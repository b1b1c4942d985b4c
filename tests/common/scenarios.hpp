// Scenarios the C++ tests share.
#pragma once

#include <algorithm>
#include <cstdint>

#include "models/scenario.hpp"

namespace pledgesim::test_util {

// The built-in scenario's 32 London authorities alone (no neighbouring
// regions): a small market that runs in milliseconds.
inline models::Scenario london_scenario(std::int64_t years, std::uint64_t seed = 11) {
  models::Scenario s = models::builtin_default_scenario();
  s.years = years;
  s.seed = seed;
  std::erase_if(s.authorities, [](const models::AuthorityData& a) { return a.region != "London"; });
  return s;
}

}  // namespace pledgesim::test_util
