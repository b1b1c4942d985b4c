// Writing a scenario back as fully resolved TOML (to_toml).
#include <toml++/toml.h>

#include <sstream>

#include "models/policy_kinds.hpp"
#include "models/scenario.hpp"
#include "models/scenario_schema.hpp"

namespace pledgesim::models {

namespace {
toml::date toml_date(sim::Date d) {
  return toml::date{d.year(), static_cast<std::uint8_t>(d.month()),
                    static_cast<std::uint8_t>(d.day())};
}
// A scope as the file spells it: a list of authority names, or its text.
void insert_scope(toml::table& t, const PolicyScope& scope) {
  if (scope.kind == PolicyScope::Kind::authorities) {
    toml::array names;
    for (const auto& n : scope.authorities) names.push_back(n);
    t.insert("scope", std::move(names));
  } else {
    t.insert("scope", scope.to_string());
  }
}
}  // namespace

std::string to_toml(const Scenario& scenario) {
  Scenario copy = scenario;  // the schema hands out pointers into a mutable scenario
  toml::table root;
  root.insert("name", copy.name);
  root.insert("description", copy.description);
  root.insert("start", toml_date(copy.start));
  for (const auto& def : scenario_params()) {
    toml::table* table = &root;
    std::string path = def.key;
    std::size_t dot;
    while ((dot = path.find('.')) != std::string::npos) {
      const std::string part = path.substr(0, dot);
      path = path.substr(dot + 1);
      if (!table->contains(part)) table->insert(part, toml::table{});
      table = table->get(part)->as_table();
    }
    std::visit(
        [&](auto* p) {
          using T = std::remove_pointer_t<decltype(p)>;
          if constexpr (std::is_same_v<T, double>)
            table->insert(path, *p);
          else
            table->insert(path, static_cast<std::int64_t>(*p));
        },
        def.target(copy));
  }
  toml::array authorities;
  for (const auto& a : copy.authorities) {
    toml::table t;
    t.insert("name", a.name);
    t.insert("region", a.region);
    t.insert("subregion", a.subregion);
    t.insert("inner_london", a.inner_london);
    t.insert("inpost_fte", a.inpost_fte);
    t.insert("vacancy_fte", a.vacancy_fte);
    t.insert("agency_fte", a.agency_fte);
    t.insert("caseload", a.caseload);
    t.insert("golden_hello_gbp", a.golden_hello_gbp);
    t.insert("pay_index", a.pay_index);
    if (a.nqsw_intake_per_year >= 0) t.insert("nqsw_intake_per_year", a.nqsw_intake_per_year);
    if (a.locum_cover_ratio >= 0) t.insert("locum_cover_ratio", a.locum_cover_ratio);
    if (a.councils != 1) t.insert("councils", a.councils);
    if (a.signatory_from) t.insert("signatory_from", toml_date(*a.signatory_from));
    authorities.push_back(std::move(t));
  }
  root.insert("authorities", std::move(authorities));
  // Inputs: the rules, and every row inline (the resolved scenario needs no
  // table file).
  toml::table* inputs = root.get("inputs")->as_table();
  toml::table* projection = inputs->get("projection")->as_table();
  for (int v = 0; v < kInputVariableCount; ++v)
    projection->get(kInputVariableNames[v])
        ->as_table()
        ->insert(
            "rule",
            std::string(
                kProjectionRuleNames[static_cast<std::size_t>(copy.inputs.projection[v].rule)]));
  if (!copy.inputs.rows.empty()) {
    toml::array rows;
    for (const InputRow& r : copy.inputs.rows)
      rows.push_back(toml::table{
          {"scope", r.scope},
          {"date", toml_date(r.date)},
          {"variable", std::string(kInputVariableNames[static_cast<std::size_t>(r.variable)])},
          {"value", r.value},
          {"source", r.source}});
    inputs->insert("rows", std::move(rows));
  }
  if (!copy.agencies.empty()) {
    toml::array agencies;
    for (const auto& a : copy.agencies) {
      toml::table t;
      t.insert("name", a.name);
      t.insert("offer_share", a.offer_share);
      t.insert("margin_share", a.margin_share);
      agencies.push_back(std::move(t));
    }
    root.insert("agencies", std::move(agencies));
  }
  toml::array policies;
  for (const auto& p : copy.policies) {
    toml::table t;
    t.insert("kind", std::string(kPolicyKindNames[static_cast<int>(p.kind)]));
    t.insert("start", toml_date(p.start));
    if (p.end) t.insert("end", toml_date(*p.end));
    insert_scope(t, p.scope);
    for (const auto& field : policy_kind(p.kind).fields)
      std::visit(
          [&](auto member) {
            const auto& value = p.*member;
            using T = std::remove_cvref_t<decltype(value)>;
            const std::string key(field.key);
            if constexpr (std::is_same_v<T, std::array<double, kRoleCount>>) {
              toml::table rates;
              for (int r = 0; r < kRoleCount; ++r) rates.insert(kRoleNames[r], value[r]);
              t.insert(key, std::move(rates));
            } else if constexpr (std::is_arithmetic_v<T>) {
              t.insert(key, value);
            } else {
              toml::array list;
              for (auto x : value) list.push_back(x);
              t.insert(key, std::move(list));
            }
          },
          field.member);
    policies.push_back(std::move(t));
  }
  if (!policies.empty()) root.insert("policies", std::move(policies));
  if (!copy.shocks.empty()) {
    toml::table shocks;
    for (const Shock& sh : copy.shocks) {
      toml::table t;
      t.insert("rate", std::string(kShockRateNames[static_cast<std::size_t>(sh.rate)]));
      t.insert("multiplier", sh.multiplier);
      if (sh.start) t.insert("start", toml_date(*sh.start));
      if (sh.end) t.insert("end", toml_date(*sh.end));
      insert_scope(t, sh.scope);
      if (!sh.note.empty()) t.insert("note", sh.note);
      shocks.insert(sh.name, std::move(t));
    }
    root.insert("shocks", std::move(shocks));
  }
  if (!copy.behaviour_by_region.empty()) {
    toml::table regions;
    for (const auto& v : copy.behaviour_by_region) {
      if (!regions.contains(v.region)) regions.insert(v.region, toml::table{});
      regions.get(v.region)->as_table()->insert(v.key, v.value);
    }
    root.insert("behaviour_by_region", std::move(regions));
  }
  std::ostringstream out;
  out << "# Fully resolved pledgesim scenario: every key, defaults included.\n";
  // Basic strings only: toml++ 3.3 writes a string that starts with a line
  // break as a multi-line literal with the break right after the opening
  // quotes, where TOML drops it, and without multi-line strings writes a
  // literal string with the break inside, which is not TOML (found by
  // fuzz_scenario). Basic strings escape every control character.
  constexpr auto kFlags =
      toml::toml_formatter::default_flags &
      ~(toml::format_flags::allow_multi_line_strings | toml::format_flags::allow_literal_strings);
  out << toml::toml_formatter(root, kFlags) << '\n';
  return out.str();
}

}  // namespace pledgesim::models
