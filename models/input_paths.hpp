// The scenario's inputs (models/inputs.hpp) as one path per authority and
// variable, evaluated on any date: what the market reads each week.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "models/inputs.hpp"
#include "sim/core/calendar.hpp"

namespace pledgesim::models {

struct Scenario;

// One series: points (day, value) in date order, linear between them, the
// first value before them, the projection after the last.
class InputPath {
 public:
  InputPath() = default;  // no rows: the caller's fallback applies
  InputPath(std::vector<std::pair<std::int64_t, double>> points, Projection projection);
  bool empty() const { return points_.empty(); }
  double at(sim::Date date) const;
  // at(date) or, with no rows, `fallback`.
  double at(sim::Date date, double fallback) const { return empty() ? fallback : at(date); }

 private:
  std::vector<std::pair<std::int64_t, double>> points_;
  Projection projection_;
  double slope_per_day_ = 0;  // least-squares slope, for the trend rule
};

class InputPaths {
 public:
  InputPaths() = default;
  explicit InputPaths(const Scenario& scenario);
  // The path of `v` for authority e; for the national rates, the same for all.
  const InputPath& path(std::size_t e, InputVariable v) const {
    return paths_[e * kInputVariableCount + static_cast<std::size_t>(v)];
  }
  const InputPath& national(InputVariable v) const {
    return national_[static_cast<std::size_t>(v)];
  }

 private:
  std::vector<InputPath> paths_;  // [authority][variable]
  std::array<InputPath, kInputVariableCount> national_;
};

}  // namespace pledgesim::models
