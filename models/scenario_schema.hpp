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
