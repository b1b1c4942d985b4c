// Numeric keys that name a part of a scenario (a shock, a region's
// behaviour) rather than a fixed field: what sweeps, calibration and
// overrides reach beyond scenario_params().
#include <algorithm>
#include <deque>
#include <mutex>

#include "models/policy_kinds.hpp"
#include "models/scenario_schema.hpp"

namespace pledgesim::models {

namespace {

constexpr std::string_view kShocks = "shocks.";
constexpr std::string_view kMultiplier = ".multiplier";
constexpr std::string_view kByRegion = "behaviour_by_region.";

double Scenario::Behaviour::*behaviour_member(std::string_view key) {
  using B = Scenario::Behaviour;
  static const std::pair<std::string_view, double B::*> kMembers[] = {
      {"exit_rate_per_year", &B::exit_rate_per_year},
      {"inactive_rate_per_year", &B::inactive_rate_per_year},
      {"return_rate_per_year", &B::return_rate_per_year},
      {"search_rate_per_year", &B::search_rate_per_year},
      {"agency_search_rate_per_year", &B::agency_search_rate_per_year},
      {"caseload_stress_threshold", &B::caseload_stress_threshold},
      {"stress_search_sensitivity", &B::stress_search_sensitivity},
      {"stress_exit_sensitivity", &B::stress_exit_sensitivity},
      {"agency_taste_mean", &B::agency_taste_mean},
  };
  for (const auto& [name, member] : kMembers)
    if (name == key) return member;
  return nullptr;
}

const ParamDef* static_param(const std::string& key) {
  for (const auto& p : scenario_params())
    if (p.key == key) return &p;
  return nullptr;
}

// (region, behaviour key) of "behaviour_by_region.REGION.KEY"; the key
// has no dot, the region may.
std::optional<std::pair<std::string, std::string>> split_regional(const std::string& key) {
  if (!key.starts_with(kByRegion)) return std::nullopt;
  const std::size_t dot = key.rfind('.');
  if (dot <= kByRegion.size()) return std::nullopt;
  return std::pair{key.substr(kByRegion.size(), dot - kByRegion.size()), key.substr(dot + 1)};
}

// (index, field) of "policies.N.FIELD".
std::optional<std::pair<std::size_t, std::string>> split_policy(const std::string& key) {
  constexpr std::string_view kPolicies = "policies.";
  if (!key.starts_with(kPolicies)) return std::nullopt;
  const std::size_t dot = key.find('.', kPolicies.size());
  if (dot == std::string::npos || dot == kPolicies.size() || dot - kPolicies.size() > 6)
    return std::nullopt;
  std::size_t index = 0;
  for (std::size_t k = kPolicies.size(); k < dot; ++k) {
    if (key[k] < '0' || key[k] > '9') return std::nullopt;
    index = index * 10 + static_cast<std::size_t>(key[k] - '0');
  }
  return std::pair{index, key.substr(dot + 1)};
}

// A policy's number (a double, required by its kind): a lever's strength.
const PolicyField* policy_number(PolicyKind kind, const std::string& field) {
  for (const PolicyField& f : policy_kind(kind).fields)
    if (f.key == field && !f.optional && std::holds_alternative<double Policy::*>(f.member))
      return &f;
  return nullptr;
}

std::optional<std::string> shock_name(const std::string& key) {
  if (!key.starts_with(kShocks) || !key.ends_with(kMultiplier) ||
      key.size() <= kShocks.size() + kMultiplier.size())
    return std::nullopt;
  return key.substr(kShocks.size(), key.size() - kShocks.size() - kMultiplier.size());
}

}  // namespace

const std::vector<std::string>& regional_behaviour_keys() {
  static const std::vector<std::string> keys = {
      "exit_rate_per_year",        "inactive_rate_per_year",      "return_rate_per_year",
      "search_rate_per_year",      "agency_search_rate_per_year", "caseload_stress_threshold",
      "stress_search_sensitivity", "stress_exit_sensitivity",     "agency_taste_mean"};
  return keys;
}

Scenario::Behaviour behaviour_in_region(const Scenario& s, const std::string& region) {
  Scenario::Behaviour b = s.behaviour;
  for (const auto& v : s.behaviour_by_region)
    if (v.region == region)
      if (auto member = behaviour_member(v.key)) b.*member = v.value;
  return b;
}

const ParamDef* param_form(const std::string& key) {
  if (const ParamDef* p = static_param(key)) return p;
  if (shock_name(key)) {
    static const ParamDef shock{
        "shocks.NAME.multiplier", 0, 100, "multiplier of a shock",
        [](Scenario&) -> ParamDef::Target { return static_cast<double*>(nullptr); }};
    return &shock;
  }
  if (const auto policy = split_policy(key)) {
    // The widest range of the field over the kinds that have it.
    static std::mutex mutex;
    static std::deque<ParamDef> forms;
    const std::lock_guard lock(mutex);
    for (const ParamDef& p : forms)
      if (p.key == policy->second) return &p;
    const PolicyField* found = nullptr;
    for (const auto& kind : policy_kinds())
      if (const PolicyField* f = policy_number(kind.kind, policy->second)) found = f;
    if (!found) return nullptr;
    return &forms.emplace_back(
        ParamDef{policy->second, found->min, found->max, std::string(found->what),
                 [](Scenario&) -> ParamDef::Target { return static_cast<double*>(nullptr); }});
  }
  const auto regional = split_regional(key);
  if (!regional || !behaviour_member(regional->second)) return nullptr;
  return static_param("behaviour." + regional->second);
}

const ParamDef* find_param(const std::string& key, const Scenario& s) {
  if (const ParamDef* p = static_param(key)) return p;
  static std::mutex mutex;
  static std::deque<ParamDef> made;  // stable addresses
  if (const auto name = shock_name(key)) {
    const bool present = std::any_of(s.shocks.begin(), s.shocks.end(),
                                     [&](const Shock& sh) { return sh.name == *name; });
    if (!present) return nullptr;
    const std::lock_guard lock(mutex);
    for (const ParamDef& p : made)
      if (p.key == key) return &p;
    return &made.emplace_back(ParamDef{key, 0, 100, "multiplier of the shock '" + *name + "'",
                                       [name = *name](Scenario& sc) -> ParamDef::Target {
                                         for (Shock& sh : sc.shocks)
                                           if (sh.name == name) return &sh.multiplier;
                                         return static_cast<double*>(nullptr);
                                       }});
  }
  if (const auto policy = split_policy(key)) {
    const std::size_t index = policy->first;
    const std::string field = policy->second;
    if (index >= s.policies.size()) return nullptr;
    const PolicyField* f = policy_number(s.policies[index].kind, field);
    if (!f) return nullptr;
    const std::lock_guard lock(mutex);
    for (const ParamDef& p : made)
      if (p.key == key) return &p;
    const auto member = std::get<double Policy::*>(f->member);
    return &made.emplace_back(
        ParamDef{key, f->min, f->max,
                 std::string(f->what) + " of policy " + std::to_string(index) + " (" +
                     std::string(policy_kind(s.policies[index].kind).name()) + ")",
                 [index, member](Scenario& sc) -> ParamDef::Target {
                   return index < sc.policies.size() ? &(sc.policies[index].*member)
                                                     : static_cast<double*>(nullptr);
                 }});
  }
  const auto regional = split_regional(key);
  if (!regional || !behaviour_member(regional->second)) return nullptr;
  const std::string region = regional->first, field = regional->second;
  if (std::none_of(s.authorities.begin(), s.authorities.end(),
                   [&](const AuthorityData& a) { return a.region == region; }))
    return nullptr;
  const ParamDef* base = static_param("behaviour." + field);
  const std::lock_guard lock(mutex);
  for (const ParamDef& p : made)
    if (p.key == key) return &p;
  return &made.emplace_back(ParamDef{
      key, base->min, base->max, base->doc + ", in " + region,
      [region, field](Scenario& sc) -> ParamDef::Target {
        auto& list = sc.behaviour_by_region;
        auto at = std::find_if(list.begin(), list.end(),
                               [&](const auto& v) { return v.region == region && v.key == field; });
        if (at == list.end()) {
          // Added at the region's value now, in (region, key) order.
          const Scenario::RegionalValue added{
              region, field, behaviour_in_region(sc, region).*behaviour_member(field)};
          at = list.insert(std::upper_bound(list.begin(), list.end(), added,
                                            [](const auto& a, const auto& b) {
                                              return std::tie(a.region, a.key) <
                                                     std::tie(b.region, b.key);
                                            }),
                           added);
        }
        return &at->value;
      }});
}

}  // namespace pledgesim::models
