// Inputs that change over time (scenario key `inputs`): dated values of an
// authority's establishment, case demand and newly qualified intake, and of
// the national pay award and agency rate change, from a tidy table. Each
// series is linear between its rows, holds its first value before them and
// follows its projection rule after its last (models/input_paths.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/calendar.hpp"

namespace pledgesim::models {

enum class InputVariable : std::uint8_t {
  establishment,       // funded posts (FTE): in post + vacancies
  case_demand,         // cases, such that caseload = case_demand / (post holders + locums)
  nqsw_intake,         // newly qualified joining in the September intake of the row's year
  pay_award,           // the April pay award (a rate, 0.02 = 2%)
  agency_rate_change,  // the April change of agency market rates (a rate)
};
inline constexpr int kInputVariableCount = 5;
inline constexpr std::array<std::string_view, kInputVariableCount> kInputVariableNames = {
    "establishment", "case_demand", "nqsw_intake", "pay_award", "agency_rate_change"};
std::optional<InputVariable> input_variable_named(std::string_view name);

// A count that adds up over authorities: a row for a region (or "all") is
// the total of its authorities that have no rows of their own, shared in
// proportion to their establishment at the start. The rates (pay award,
// agency rate change) are national: their rows have scope "all".
constexpr bool adds_up(InputVariable v) {
  return v <= InputVariable::nqsw_intake;
}

// After the last row of a series: hold its value, continue its trend (the
// least-squares line through its rows, never below 0), or grow by
// rate_per_year compounded from its last value.
enum class ProjectionRule : std::uint8_t { hold, trend, growth };
inline constexpr std::array<std::string_view, 3> kProjectionRuleNames = {"hold", "trend", "growth"};

struct InputRow {
  std::string scope;  // an authority's name, a region's name, or "all"
  sim::Date date;
  InputVariable variable = InputVariable::establishment;
  double value = 0;
  std::string source;
  friend bool operator==(const InputRow&, const InputRow&) = default;
};

struct Projection {
  ProjectionRule rule = ProjectionRule::hold;
  double rate_per_year = 0;  // for growth
  friend bool operator==(const Projection&, const Projection&) = default;
};

struct Inputs {
  std::vector<InputRow> rows;  // from inputs.table (a CSV file) and inputs.rows
  std::array<Projection, kInputVariableCount> projection{};
  bool has(InputVariable v) const;
  friend bool operator==(const Inputs&, const Inputs&) = default;
};

}  // namespace pledgesim::models
