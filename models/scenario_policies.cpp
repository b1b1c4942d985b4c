// Reading [[policies]] by the table of policy kinds (models/policy_kinds.hpp).
#include <algorithm>

#include "models/scenario_reader.hpp"

namespace pledgesim::models::detail {

void ScenarioReader::read_policies(const toml::node& node, Scenario& s) {
  std::vector<std::string> kinds;
  for (const auto& def : policy_kinds()) kinds.emplace_back(def.name());
  for_each_listed_table(
      node, "policies", "expected [[policies]] tables",
      [&](const toml::node& item, const toml::table& t, const std::string& where) {
        Policy p;
        const toml::node* kind_node = t.get("kind");
        const auto kind = kind_node ? kind_node->value<std::string>() : std::nullopt;
        const auto found = kind ? std::find(kinds.begin(), kinds.end(), *kind) : kinds.end();
        if (found == kinds.end()) {
          issue(kind_node ? kind_node : &item, where + ".kind",
                (kind        ? "unknown kind '" + *kind + "'" + did_you_mean(*kind, kinds)
                 : kind_node ? "expected a string, not " + type_name(*kind_node)
                             : std::string("missing")) +
                    "; one of " + join_names(kinds));
          return;
        }
        p.kind = static_cast<PolicyKind>(found - kinds.begin());
        const PolicyKindDef& def = policy_kind(p.kind);
        std::vector<std::string> allowed = {"kind", "start", "end", "scope", "note"};
        for (const auto& f : def.fields) allowed.emplace_back(f.key);
        bool start_ok = false;
        std::size_t values_ok = 0;
        for (const auto& [k, v] : t) {
          const std::string key(k.str());
          const std::string full = where + "." + key;
          const auto field = std::find_if(def.fields.begin(), def.fields.end(),
                                          [&](const PolicyField& f) { return f.key == key; });
          if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            issue(&v, full,
                  "not a key of policy kind '" + *kind + "'" + did_you_mean(key, allowed));
          } else if (key == "start") {
            if (auto d = read_date(v, full)) p.start = *d, start_ok = true;
          } else if (key == "end") {
            p.end = read_date(v, full);
          } else if (key == "scope") {
            read_scope(v, full, s, p.scope);
          } else if (key == "note") {
            if (!v.is_string()) issue(&v, full, "expected a string, not " + type_name(v));
          } else if (field != def.fields.end()) {
            values_ok += read_policy_value(*field, v, full, p);
          }
        }
        if (!t.contains("start")) issue(&item, where + ".start", "missing: when the lever starts");
        // A value key that is present but wrong has been reported already.
        for (const auto& f : def.fields)
          if (!f.optional && !t.contains(f.key))
            issue(&item, where + "." + std::string(f.key), std::string(f.missing));
        if (def.check && values_ok == def.fields.size())
          if (const std::string problem = def.check(p); !problem.empty())
            issue(t.get(def.check_key), where + "." + std::string(def.check_key), problem);
        if (start_ok && p.end && *p.end <= p.start)
          issue(t.get("end"), where + ".end",
                p.end->iso() + " is not after start " + p.start.iso() +
                    ": the end must be after the start");
        s.policies.push_back(std::move(p));
      });
}

bool ScenarioReader::read_policy_value(const PolicyField& field, const toml::node& v,
                                       const std::string& key, Policy& policy) {
  const std::string what(field.what);
  return std::visit(
      [&](auto member) {
        auto& value = policy.*member;
        using T = std::remove_reference_t<decltype(value)>;
        if constexpr (std::is_same_v<T, double>) {
          return read_number(v, key, field.min, field.max, what, value);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          double whole = 0;
          if (!read_number(v, key, field.min, field.max, what, whole, true)) return false;
          value = static_cast<std::int64_t>(whole);
          return true;
        } else if constexpr (std::is_same_v<T, std::array<double, kRoleCount>>) {
          return read_role_table(v, key, value, field.min, field.max, what);
        } else {  // a list of 1 to kMaxStages (whole) numbers
          constexpr bool whole = std::is_same_v<T, std::vector<std::int64_t>>;
          const toml::array* list = v.as_array();
          bool ok = list && !list->empty() && list->size() <= AuthorityLevers::kMaxStages;
          std::vector<double> entries;
          for (std::size_t k = 0; ok && k < list->size(); ++k) {
            const toml::node& entry = *list->get(k);
            std::optional<double> x;
            if constexpr (whole) {
              if (const auto i = entry.value_exact<std::int64_t>()) x = static_cast<double>(*i);
            } else {
              x = entry.value<double>();
            }
            ok = x && *x >= field.min && *x <= field.max;
            if (ok) entries.push_back(*x);
          }
          if (!ok) {
            issue(&v, key,
                  "expected 1 to " + std::to_string(AuthorityLevers::kMaxStages) + " " + what +
                      " in " + range_text(field.min, field.max) + ", e.g. " +
                      std::string(field.example));
            return false;
          }
          value.assign(entries.begin(), entries.end());
          return true;
        }
      },
      field.member);
}

bool ScenarioReader::read_role_table(const toml::node& node, const std::string& key,
                                     std::array<double, kRoleCount>& out, double min, double max,
                                     const std::string& what) {
  const toml::table* t = node.as_table();
  if (!t) {
    issue(&node, key,
          "expected a table of roles, e.g. { nqsw = 25, social_worker = 28, ... }, not " +
              type_name(node));
    return false;
  }
  const std::vector<std::string> roles(kRoleNames.begin(), kRoleNames.end());
  bool ok = true;
  std::vector<std::string> missing;
  for (int r = 0; r < kRoleCount; ++r) {
    const toml::node* v = t->get(kRoleNames[r]);
    if (!v) {
      missing.emplace_back(kRoleNames[r]);
      ok = false;
    } else {
      ok &= read_number(*v, key + "." + std::string(kRoleNames[r]), min, max, what, out[r]);
    }
  }
  if (!missing.empty())
    issue(&node, key, "missing " + join_names(missing) + " (every role needs a rate)");
  for (const auto& [k, v] : *t) {
    const std::string role(k.str());
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
      issue(&v, key + "." + role,
            "unknown role" + did_you_mean(role, roles) + "; one of " + join_names(roles));
      ok = false;
    }
  }
  return ok;
}

void ScenarioReader::read_scope(const toml::node& node, const std::string& key, const Scenario& s,
                                PolicyScope& scope) {
  if (auto text = node.value<std::string>()) {
    if (*text == "all") {
      scope.kind = PolicyScope::Kind::all;
    } else if (*text == "signatories") {
      scope.kind = PolicyScope::Kind::signatories;
    } else if (text->rfind("region:", 0) == 0) {
      scope.kind = PolicyScope::Kind::region;
      scope.region = text->substr(7);
      std::vector<std::string> regions;
      for (const auto& a : s.authorities)
        if (std::find(regions.begin(), regions.end(), a.region) == regions.end())
          regions.push_back(a.region);
      if (std::find(regions.begin(), regions.end(), scope.region) == regions.end())
        issue(&node, key,
              "no authority is in region '" + scope.region + "'" +
                  did_you_mean(scope.region, regions));
    } else {
      issue(&node, key,
            "expected \"all\", \"signatories\", \"region:NAME\" or a list of authority names" +
                did_you_mean(*text, {"all", "signatories"}));
    }
    return;
  }
  if (const toml::array* names = node.as_array()) {
    scope.kind = PolicyScope::Kind::authorities;
    if (names->empty()) issue(&node, key, "empty: name at least one authority");
    std::vector<std::string> known;
    for (const auto& a : s.authorities) known.push_back(a.name);
    for (const auto& n : *names) {
      auto name = n.value<std::string>();
      if (!name) {
        issue(&n, key, "expected authority names, not " + type_name(n));
      } else if (std::find(known.begin(), known.end(), *name) == known.end()) {
        issue(&n, key, "unknown authority '" + *name + "'" + did_you_mean(*name, known));
      } else {
        scope.authorities.push_back(*name);
      }
    }
    return;
  }
  issue(&node, key, "expected a scope string or a list of authority names, not " + type_name(node));
}

}  // namespace pledgesim::models::detail
