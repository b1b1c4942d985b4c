// Invariants of the market that hold after every week, whatever the
// scenario: conservation of practitioners, stocks that follow their flows,
// no negative vacancies or costs, employers that exist, money parts that add
// up. Checked every week by `pledgesim run --check` and in the tests.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "models/market.hpp"

namespace pledgesim::models {

// The violations after the market's last step, given the series of the week
// before (`previous`, as week_series() returned it then); empty when all hold.
std::vector<std::string> check_invariants(const LabourMarket& market,
                                          std::span<const double> previous);

}  // namespace pledgesim::models
