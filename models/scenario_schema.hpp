// The scenario schema: one entry per numeric key, with its range and meaning.
// Parsing, validation, resolved-TOML output and the key reference all read
// this one table, so a new parameter is declared once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "models/scenario.hpp"

namespace pledgesim::models {

struct ParamDef {
  using Target = std::variant<double*, std::int64_t*, std::uint64_t*>;
  std::string key;  // dotted path, e.g. "behaviour.exit_rate_per_year"
  double min;
  double max;
  std::string doc;
  std::function<Target(Scenario&)> target;
};

const std::vector<ParamDef>& scenario_params();

// Behaviour keys that can be set for one region ([behaviour_by_region.REGION]).
const std::vector<std::string>& regional_behaviour_keys();
// The behaviour of those working (or, out of work, living) in `region`.
Scenario::Behaviour behaviour_in_region(const Scenario& s, const std::string& region);
// A numeric key, one of scenario_params() or one naming a part of `s`:
// shocks.NAME.multiplier, behaviour_by_region.REGION.KEY (a region of s's
// authorities; setting it through the target adds the key to the region),
// policies.N.FIELD (a lever's strength: a number its kind requires, e.g.
// policies.3.screen_share; N counts from 0 in file order).
// nullptr when the key is neither. The definition lives as long as the program.
const ParamDef* find_param(const std::string& key, const Scenario& s);
// For a key of scenario_params() or of the form of the keys above, a
// definition with its range and kind (for checks before a scenario is
// read); nullptr otherwise.
const ParamDef* param_form(const std::string& key);

// Keys of one [[authorities]] entry, with their documentation.
struct FieldDoc {
  std::string key;
  std::string doc;
};
const std::vector<FieldDoc>& authority_fields();

// Markdown reference of every scenario key: key, default, range, meaning.
std::string scenario_keys_markdown();

// The closest known key to `key`, or "" when none is close.
std::string closest_key(const std::string& key, const std::vector<std::string>& known);

}  // namespace pledgesim::models
