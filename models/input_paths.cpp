#include "models/input_paths.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "models/scenario.hpp"

namespace pledgesim::models {

std::optional<InputVariable> input_variable_named(std::string_view name) {
  for (int v = 0; v < kInputVariableCount; ++v)
    if (kInputVariableNames[v] == name) return static_cast<InputVariable>(v);
  return std::nullopt;
}

bool Inputs::has(InputVariable v) const {
  return std::any_of(rows.begin(), rows.end(), [v](const InputRow& r) { return r.variable == v; });
}

InputPath::InputPath(std::vector<std::pair<std::int64_t, double>> points, Projection projection)
    : points_(std::move(points)), projection_(projection) {
  std::sort(points_.begin(), points_.end());
  const auto n = static_cast<double>(points_.size());
  if (points_.size() < 2) return;
  double mean_t = 0, mean_v = 0;
  for (const auto& [t, v] : points_) mean_t += static_cast<double>(t) / n, mean_v += v / n;
  double sxy = 0, sxx = 0;
  for (const auto& [t, v] : points_) {
    const double dt = static_cast<double>(t) - mean_t;
    sxy += dt * (v - mean_v), sxx += dt * dt;
  }
  slope_per_day_ = sxx > 0 ? sxy / sxx : 0.0;
}

double InputPath::at(sim::Date date) const {
  const std::int64_t d = date.days();
  if (d <= points_.front().first) return points_.front().second;
  const auto& [last_day, last] = points_.back();
  if (d >= last_day) {
    const auto after = static_cast<double>(d - last_day);
    switch (projection_.rule) {
      case ProjectionRule::hold:
        return last;
      case ProjectionRule::trend:
        return std::max(0.0, last + slope_per_day_ * after);
      case ProjectionRule::growth:
        return last * std::pow(1.0 + projection_.rate_per_year, after / 365.25);
    }
  }
  const auto next = std::upper_bound(points_.begin(), points_.end(), d,
                                     [](std::int64_t x, const auto& p) { return x < p.first; });
  const auto& [d1, v1] = *next;
  const auto& [d0, v0] = *(next - 1);
  return v0 + (v1 - v0) * static_cast<double>(d - d0) / static_cast<double>(d1 - d0);
}

InputPaths::InputPaths(const Scenario& s) {
  const std::size_t E = s.authorities.size();
  paths_.resize(E * kInputVariableCount);
  // Rows by variable and scope.
  using Points = std::vector<std::pair<std::int64_t, double>>;
  std::array<std::map<std::string, Points>, kInputVariableCount> rows;
  for (const InputRow& r : s.inputs.rows)
    rows[static_cast<std::size_t>(r.variable)][r.scope].emplace_back(r.date.days(), r.value);
  std::vector<double> weight(E);
  for (std::size_t e = 0; e < E; ++e)
    weight[e] = s.authorities[e].inpost_fte + s.authorities[e].vacancy_fte;
  for (int v = 0; v < kInputVariableCount; ++v) {
    const auto& by_scope = rows[static_cast<std::size_t>(v)];
    const Projection projection = s.inputs.projection[static_cast<std::size_t>(v)];
    const auto variable = static_cast<InputVariable>(v);
    if (!adds_up(variable)) {
      if (const auto all = by_scope.find("all"); all != by_scope.end())
        national_[static_cast<std::size_t>(v)] = InputPath(all->second, projection);
      for (std::size_t e = 0; e < E; ++e)
        paths_[e * kInputVariableCount + static_cast<std::size_t>(v)] =
            national_[static_cast<std::size_t>(v)];
      continue;
    }
    // Who takes which rows: their own, else their region's, else all's.
    std::vector<std::string> scope_of(E);
    std::map<std::string, double> scope_weight;
    for (std::size_t e = 0; e < E; ++e) {
      const auto& a = s.authorities[e];
      for (const std::string& candidate : {a.name, a.region, std::string("all")})
        if (by_scope.count(candidate)) {
          scope_of[e] = candidate;
          scope_weight[candidate] += weight[e];
          break;
        }
    }
    for (std::size_t e = 0; e < E; ++e) {
      if (scope_of[e].empty()) continue;
      const double total = scope_weight[scope_of[e]];
      const double share = total > 0 ? weight[e] / total : 0.0;
      Points points = by_scope.at(scope_of[e]);
      for (auto& p : points) p.second *= share;
      paths_[e * kInputVariableCount + static_cast<std::size_t>(v)] =
          InputPath(std::move(points), projection);
    }
  }
}

}  // namespace pledgesim::models
