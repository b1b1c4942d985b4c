// [shocks.NAME] tables of a scenario (models/shocks.hpp).
#include <algorithm>

#include "models/scenario_reader.hpp"

namespace pledgesim::models::detail {

void ScenarioReader::read_shocks(const toml::node& node, Scenario& s) {
  const toml::table* shocks = node.as_table();
  if (!shocks) {
    issue(&node, "shocks",
          "expected a table of named shocks, e.g. [shocks.covid_exits], not " + type_name(node));
    return;
  }
  const std::vector<std::string> fields = {"rate", "multiplier", "start", "end", "scope", "note"};
  std::vector<std::string> rates(kShockRateNames.begin(), kShockRateNames.end());
  for (const auto& [name, value] : *shocks) {
    const std::string where = "shocks." + std::string(name.str());
    const toml::table* t = value.as_table();
    if (!t) {
      issue(&value, where,
            "expected a table (rate, multiplier, start, end, scope), not " + type_name(value));
      continue;
    }
    Shock shock;
    shock.name = std::string(name.str());
    for (const auto& [k, v] : *t) {
      const std::string key(k.str());
      const std::string full = where + "." + key;
      if (key == "rate") {
        const auto text = v.value<std::string>();
        const auto it = text ? std::find(rates.begin(), rates.end(), *text) : rates.end();
        if (it == rates.end())
          issue(&v, full,
                (text ? "unknown rate '" + *text + "'" + did_you_mean(*text, rates)
                      : "expected a string, not " + type_name(v)) +
                    "; expected one of " + join_names(rates));
        else
          shock.rate = static_cast<ShockRate>(it - rates.begin());
      } else if (key == "multiplier") {
        read_number(v, full, 0, 100, "a multiplier of the rate", shock.multiplier);
      } else if (key == "start") {
        shock.start = read_date(v, full);
      } else if (key == "end") {
        shock.end = read_date(v, full);
      } else if (key == "scope") {
        read_scope(v, full, s, shock.scope);
      } else if (key == "note") {
        if (const auto text = v.value<std::string>())
          shock.note = *text;
        else
          issue(&v, full, "expected a string, not " + type_name(v));
      } else {
        issue(&v, full, "unknown key" + did_you_mean(key, fields));
      }
    }
    for (const char* required : {"rate", "multiplier"})
      if (!t->contains(required)) issue(&value, where + "." + required, "missing");
    if (shock.start && shock.end && !(*shock.start < *shock.end))
      issue(t->get("end"), where + ".end", "must be after start (" + shock.start->iso() + ")");
    s.shocks.push_back(std::move(shock));
  }
}

}  // namespace pledgesim::models::detail

namespace pledgesim::models::detail {

// [behaviour_by_region.REGION]: behaviour keys for one region of the
// authorities, in the ranges of the scenario-wide keys.
void ScenarioReader::read_behaviour_by_region(const toml::node& node, Scenario& s) {
  const toml::table* regions = node.as_table();
  if (!regions) {
    issue(&node, "behaviour_by_region",
          "expected a table of regions, e.g. [behaviour_by_region.\"South East\"], not " +
              type_name(node));
    return;
  }
  std::vector<std::string> known;
  for (const auto& a : s.authorities)
    if (std::find(known.begin(), known.end(), a.region) == known.end()) known.push_back(a.region);
  const auto& keys = regional_behaviour_keys();
  for (const auto& [region_key, value] : *regions) {
    const std::string region(region_key.str());
    const std::string where = "behaviour_by_region." + region;
    const toml::table* t = value.as_table();
    if (!t) {
      issue(&value, where, "expected a table of behaviour keys, not " + type_name(value));
      continue;
    }
    if (std::find(known.begin(), known.end(), region) == known.end()) {
      issue(&value, where,
            "no authority is in region '" + region + "'" + did_you_mean(region, known));
      continue;
    }
    for (const auto& [k, v] : *t) {
      const std::string key(k.str());
      const std::string full = where + "." + key;
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        issue(&v, full,
              "cannot be set by region" + did_you_mean(key, keys) +
                  "; these can: " + join_names(keys));
        continue;
      }
      const ParamDef* def = find_param("behaviour." + key, s);
      double x = 0;
      if (read_number(v, full, def->min, def->max, def->doc, x))
        s.behaviour_by_region.push_back({region, key, x});
    }
  }
  std::sort(s.behaviour_by_region.begin(), s.behaviour_by_region.end(),
            [](const auto& a, const auto& b) {
              return std::tie(a.region, a.key) < std::tie(b.region, b.key);
            });
}

}  // namespace pledgesim::models::detail
