// Shocks (scenario key `shocks`): dated, named multipliers of behavioural
// rates, by scope, so that a period (2020-2021, say) or a region can have
// rates of its own, and a calibration can fit them (shocks.NAME.multiplier).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "models/policy.hpp"
#include "sim/core/calendar.hpp"

namespace pledgesim::models {

// The rates a shock can multiply.
enum class ShockRate : std::uint8_t {
  exit,    // behaviour.exit_rate_per_year (in work and out of it)
  brk,     // behaviour.inactive_rate_per_year (a career break)
  search,  // behaviour.search_rate_per_year and agency_search_rate_per_year
  ret,     // behaviour.return_rate_per_year (looking for work after a break)
  intake,  // the September intake of newly qualified
};
inline constexpr int kShockRateCount = 5;
inline constexpr std::array<std::string_view, kShockRateCount> kShockRateNames = {
    "exit", "break", "search", "return", "intake"};

struct Shock {
  std::string name;
  ShockRate rate = ShockRate::exit;
  double multiplier = 1.0;
  std::optional<sim::Date> start;  // none: from the beginning
  std::optional<sim::Date> end;    // in force before this date; none: open-ended
  // Authorities covered. Those out of work answer to the region they live
  // in: a shock scoped "all" or "region:NAME" covers them, others do not.
  PolicyScope scope;
  std::string note;
  bool in_force(sim::Date d) const { return (!start || *start <= d) && (!end || d < *end); }
  friend bool operator==(const Shock&, const Shock&) = default;
};

}  // namespace pledgesim::models
