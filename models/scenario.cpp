#include "models/scenario.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "models/scenario_schema.hpp"

namespace pledgesim::models {

std::int64_t Scenario::weeks() const {
  return sim::WeeklyClock(start).weeks_in_years(static_cast<int>(years));
}

std::string ScenarioIssue::to_string() const {
  std::ostringstream out;
  out << file;
  if (line > 0) out << ':' << line;
  out << ": ";
  if (!key.empty()) out << key << ": ";
  out << message;
  return out.str();
}

namespace {
std::string join(const std::vector<ScenarioIssue>& issues) {
  std::string s;
  for (const auto& i : issues) {
    if (!s.empty()) s += '\n';
    s += i.to_string();
  }
  return s;
}
}  // namespace

ScenarioError::ScenarioError(std::vector<ScenarioIssue> issues, std::string heading)
    : sim::InputError(join(issues), std::move(heading)), issues_(std::move(issues)) {}

namespace {

// " (did you mean 'x'?)" when a known name is close to `name`, else "".
std::string did_you_mean(const std::string& name, const std::vector<std::string>& known) {
  const std::string hint = closest_key(name, known);
  return hint.empty() ? "" : " (did you mean '" + hint + "'?)";
}

// A number as the messages print it (as in the ranges: 0.5, 1e+06).
std::string fmt(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

// "a string", "an integer", ...: what a TOML value is, for "expected X, not Y".
std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

class Parser {
 public:
  explicit Parser(std::string file) : file_(std::move(file)) {}

  void issue(const toml::node* node, const std::string& key, const std::string& message) {
    std::string file = file_;
    std::int64_t line = 0;
    if (node) {
      const auto& src = node->source();
      if (src.path && !src.path->empty()) file = *src.path;
      line = src.begin.line;
    }
    issues_.push_back({file, line, key, message});
  }

  bool ok() const { return issues_.empty(); }
  // Issues in file and line order (tables iterate in key order, not line order).
  std::vector<ScenarioIssue> take_issues() {
    std::stable_sort(issues_.begin(), issues_.end(), [](const auto& a, const auto& b) {
      return std::tie(a.file, a.line) < std::tie(b.file, b.line);
    });
    return std::move(issues_);
  }

  void apply_overrides(toml::table& root, const std::vector<Override>& overrides) {
    for (const auto& o : overrides) {
      toml::table fragment;
      try {
        fragment = toml::parse("value = " + o.value, std::string_view("--set " + o.key));
      } catch (const toml::parse_error& e) {
        issues_.push_back({"--set", 0, o.key,
                           "value '" + o.value + "' is not TOML: " + std::string(e.description())});
        continue;
      }
      toml::table* table = &root;
      std::string path = o.key;
      std::size_t dot;
      bool bad = false;
      while ((dot = path.find('.')) != std::string::npos) {
        const std::string part = path.substr(0, dot);
        path = path.substr(dot + 1);
        toml::node* child = table->get(part);
        if (!child) {
          table->insert(part, toml::table{});
          child = table->get(part);
        }
        if (!child->is_table()) {
          issues_.push_back({"--set", 0, o.key, "'" + part + "' is not a table"});
          bad = true;
          break;
        }
        table = child->as_table();
      }
      if (bad) continue;
      table->insert_or_assign(path, std::move(*fragment.get("value")));  // a move keeps the source
    }
  }

  void read(toml::table& root, Scenario& s) {
    std::vector<std::string> known = {"name",     "description", "start",  "authorities",
                                      "policies", "agencies",    "include"};
    std::map<std::string, const ParamDef*> by_key;
    std::set<std::string> tables;  // "behaviour", "pay.role_min_pqe_years", ...
    for (const auto& p : scenario_params()) {
      known.push_back(p.key);
      by_key[p.key] = &p;
      for (std::size_t dot = p.key.find('.'); dot != std::string::npos;
           dot = p.key.find('.', dot + 1))
        tables.insert(p.key.substr(0, dot));
    }
    // A table under a known key is that key's (wrong) value, not more keys.
    const auto is_value_key = [&](const std::string& key) {
      return std::find(known.begin(), known.end(), key) != known.end();
    };
    walk(root, "", is_value_key, [&](const std::string& key, const toml::node& node) {
      if (tables.count(key)) {
        issue(&node, key, "expected a table of keys, e.g. [" + key + "], not " + type_name(node));
      } else if (key == "name" || key == "description") {
        if (auto v = node.value<std::string>())
          (key == "name" ? s.name : s.description) = *v;
        else
          issue(&node, key, "expected a string, not " + type_name(node));
      } else if (key == "start") {
        if (auto d = read_date(node, key)) s.start = *d;
      } else if (key == "include") {  // resolved before overrides: only --set leaves one here
        issue(&node, key, "cannot be given with --set (includes are resolved before overrides)");
      } else if (key == "authorities" || key == "policies" || key == "agencies") {
        // read after the walk: policies refer to authorities
      } else if (auto it = by_key.find(key); it != by_key.end()) {
        read_param(*it->second, node, s);
      } else {
        issue(&node, key, "unknown key" + did_you_mean(key, known));
      }
    });
    if (const toml::node* a = root.get("authorities"))
      read_authorities(*a, s);
    else
      issue(nullptr, "authorities", "missing: list at least one");
    if (const toml::node* p = root.get("policies")) read_policies(*p, s);
    if (const toml::node* a = root.get("agencies")) read_agencies(*a, s);
    check_consistency(s, root);
  }

 private:
  // Calls f(dotted_key, node) for each value; descends into tables, except
  // those under a key for which is_value(key) holds (f reports those).
  template <class IsValue, class F>
  void walk(const toml::table& table, const std::string& prefix, const IsValue& is_value, F&& f) {
    for (const auto& [k, node] : table) {
      const std::string key =
          prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
      if (node.is_table() && !is_value(key))
        walk(*node.as_table(), key, is_value, f);
      else
        f(key, node);
    }
  }

  // A TOML date (2017-10-01) or an ISO date string; reports and returns none otherwise.
  std::optional<sim::Date> read_date(const toml::node& node, const std::string& key) {
    if (auto d = node.value<toml::date>()) {
      return sim::Date::from_ymd(d->year, d->month, d->day);  // toml++ checked the day exists
    } else if (auto str = node.value<std::string>()) {
      if (auto parsed = sim::Date::parse(*str)) return parsed;
      issue(&node, key, "'" + *str + "' is not a date; expected a date such as 2017-10-01");
      return std::nullopt;
    }
    issue(&node, key, "expected a date such as 2017-10-01, not " + type_name(node));
    return std::nullopt;
  }

  // Calls f(item, table, "name[i]") for each table in the list `node`;
  // reports a value that is not a list, or an entry that is not a table.
  // Returns the number of entries (0 when not a list).
  template <class F>
  std::size_t for_each_listed_table(const toml::node& node, const std::string& name,
                                    const std::string& expected, F&& f) {
    const toml::array* list = node.as_array();
    if (!list) {
      issue(&node, name, expected);
      return 0;
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      const toml::node& item = *list->get(i);
      const std::string where = name + "[" + std::to_string(i) + "]";
      if (const toml::table* t = item.as_table())
        f(item, *t, where);
      else
        issue(&item, where, "expected a table");
    }
    return list->size();
  }

  void read_policies(const toml::node& node, Scenario& s) {
    const std::vector<std::string> kinds(kPolicyKindNames.begin(), kPolicyKindNames.end());
    for_each_listed_table(
        node, "policies", "expected [[policies]] tables",
        [&](const toml::node& item, const toml::table& table, const std::string& where) {
          const toml::table* t = &table;
          Policy p;
          const toml::node* kind_node = t->get("kind");
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
          // The kind's value keys (all required) and optional keys.
          std::vector<std::string> required, optional;
          switch (p.kind) {
            case PolicyKind::agency_pay_cap:
            case PolicyKind::agency_price_cap:
              required = {"rate_gbp_per_hour"};
              break;
            case PolicyKind::cooling_off:
            case PolicyKind::notice_period:
              required = {"weeks"};
              break;
            case PolicyKind::agency_min_experience:
              required = {"pqe_years"};
              break;
            case PolicyKind::harmonised_pay:
              required = {"band_share"};
              break;
            case PolicyKind::no_poach:
              break;
            case PolicyKind::shared_references:
              required = {"screen_share"};
              break;
            case PolicyKind::staged_golden_hello:
              required = {"stage_weeks", "stage_gbp"};
              break;
            case PolicyKind::retention_payment:
              required = {"gbp_per_year"};
              optional = {"min_tenure_weeks"};
              break;
            case PolicyKind::inhouse_bank:
              required = {"rate_gbp_per_hour", "cover_share"};
              break;
            case PolicyKind::asye_pipeline:
              required = {"min_share"};
              break;
            case PolicyKind::trainee_pay:
              required = {"pay_gbp_per_year"};
              break;
            case PolicyKind::progression_pathway:
              required = {"years_earlier"};
              break;
            case PolicyKind::relocation_allowance:
              required = {"gbp"};
              break;
          }
          std::vector<std::string> allowed = {"kind", "start", "end", "scope", "note"};
          allowed.insert(allowed.end(), required.begin(), required.end());
          allowed.insert(allowed.end(), optional.begin(), optional.end());
          bool start_ok = false;
          bool stage_weeks_ok = false, stage_gbp_ok = false;
          for (const auto& [k, v] : *t) {
            const std::string key(k.str());
            const std::string full = where + "." + key;
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
            } else if (key == "rate_gbp_per_hour") {
              read_role_table(v, full, p.rate_gbp_per_hour, 0, 1000);
            } else if (key == "cover_share") {
              read_number(v, full, 0, 1, "a share of the locum need", p.cover_share);
            } else if (key == "min_share") {
              read_number(v, full, 0, 1, "a share of establishment", p.min_share);
            } else if (key == "pay_gbp_per_year") {
              read_number(v, full, 0, 1e6, "GBP a year", p.pay_gbp_per_year);
            } else if (key == "years_earlier") {
              read_number(v, full, 0, 40, "years", p.years_earlier);
            } else if (key == "gbp") {
              read_number(v, full, 0, 1e6, "GBP", p.gbp);
            } else if (key == "weeks") {
              double weeks = 0;
              const double max_weeks = p.kind == PolicyKind::notice_period ? 52 : 520;
              if (read_number(v, full, 0, max_weeks, "whole weeks", weeks, true))
                p.weeks = static_cast<std::int64_t>(weeks);
            } else if (key == "stage_weeks" || key == "stage_gbp") {
              const toml::array* arr = v.as_array();
              bool ok = arr && !arr->empty() && arr->size() <= AuthorityLevers::kMaxStages;
              std::vector<double> values;
              for (std::size_t k = 0; ok && k < arr->size(); ++k) {
                const auto x =
                    key == "stage_weeks"
                        ? (arr->get(k)->value_exact<std::int64_t>()
                               ? std::optional<double>(*arr->get(k)->value_exact<std::int64_t>())
                               : std::nullopt)
                        : arr->get(k)->value<double>();
                ok = x && *x >= 0 && *x <= (key == "stage_weeks" ? 520 : 1e6);
                if (ok) values.push_back(*x);
              }
              if (!ok) {
                issue(&v, full,
                      key == "stage_weeks"
                          ? "expected 1 to 4 whole weeks in [0, 520], e.g. [0, 26, 78]"
                          : "expected 1 to 4 amounts in GBP in [0, 1e+06], e.g. [1000, 2000, "
                            "3000]");
              } else if (key == "stage_weeks") {
                p.stage_weeks.assign(values.begin(), values.end());
                stage_weeks_ok = true;
              } else {
                p.stage_gbp = values;
                stage_gbp_ok = true;
              }
            } else if (key == "gbp_per_year") {
              read_number(v, full, 0, 1e6, "GBP a year", p.gbp_per_year);
            } else if (key == "min_tenure_weeks") {
              double weeks = 0;
              if (read_number(v, full, 0, 2080, "whole weeks", weeks, true))
                p.min_tenure_weeks = static_cast<std::int64_t>(weeks);
            } else if (key == "screen_share") {
              read_number(v, full, 0, 1, "a probability", p.screen_share);
            } else if (key == "band_share") {
              read_number(v, full, 0, 1, "a share, e.g. 0.02 for +/-2%", p.band_share);
            } else if (key == "pqe_years") {
              read_number(v, full, 0, 40, "years", p.pqe_years);
            }
          }
          if (!t->contains("start"))
            issue(&item, where + ".start", "missing: when the lever starts");
          // A value key that is present but wrong has been reported already.
          for (const auto& key : required)
            if (!t->contains(key))
              issue(&item, where + "." + key,
                    p.kind == PolicyKind::inhouse_bank && key == "rate_gbp_per_hour"
                        ? "missing: the bank's hourly pay by role"
                        : "missing: the lever's value");
          if (stage_weeks_ok && stage_gbp_ok && p.stage_weeks.size() != p.stage_gbp.size())
            issue(t->get("stage_weeks"), where + ".stage_weeks",
                  "stage_weeks has " + std::to_string(p.stage_weeks.size()) +
                      " stages but stage_gbp has " + std::to_string(p.stage_gbp.size()) +
                      ": they must have the same length");
          if (start_ok && p.end && *p.end <= p.start)
            issue(t->get("end"), where + ".end",
                  p.end->iso() + " is not after start " + p.start.iso() +
                      ": the end must be after the start");
          s.policies.push_back(std::move(p));
        });
  }

  // A number in [min, max] (an integer when `integral`); reports otherwise.
  bool read_number(const toml::node& v, const std::string& key, double min, double max,
                   const std::string& what, double& out, bool integral = false) {
    double x = 0;
    bool is_number = false;
    if (const auto i = v.value_exact<std::int64_t>()) {
      x = static_cast<double>(*i), is_number = true;
    } else if (const auto f = v.value_exact<double>(); f && !integral) {
      x = *f, is_number = true;
    }
    const std::string range = "[" + fmt(min) + ", " + fmt(max) + "]";
    if (!is_number) {
      issue(&v, key, "expected " + what + " in " + range + ", not " + type_name(v));
      return false;
    }
    if (!(x >= min && x <= max)) {
      issue(&v, key, "value " + fmt(x) + " is outside " + range + " (" + what + ")");
      return false;
    }
    out = x;
    return true;
  }

  // A table with one number per role, every role present.
  bool read_role_table(const toml::node& node, const std::string& key,
                       std::array<double, kRoleCount>& out, double min, double max) {
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
        ok &= read_number(*v, key + "." + std::string(kRoleNames[r]), min, max, "GBP per hour",
                          out[r]);
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

  // "all", "signatories", "region:NAME", or a list of authority names.
  void read_scope(const toml::node& node, const std::string& key, const Scenario& s,
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
    issue(&node, key,
          "expected a scope string or a list of authority names, not " + type_name(node));
  }

  void read_param(const ParamDef& def, const toml::node& node, Scenario& s) {
    double value;
    const auto target = def.target(s);
    const bool integral = !std::holds_alternative<double*>(target);
    if (auto i = node.value_exact<std::int64_t>()) {
      value = static_cast<double>(*i);
    } else if (auto f = node.value_exact<double>(); f && !integral) {
      value = *f;
    } else {
      issue(&node, def.key,
            std::string(integral ? "expected an integer" : "expected a number") + ", not " +
                type_name(node));
      return;
    }
    if (!(value >= def.min && value <= def.max) || std::isnan(value)) {
      std::ostringstream msg;
      msg << "value " << value << " is outside [" << def.min << ", " << def.max << "] (" << def.doc
          << ")";
      issue(&node, def.key, msg.str());
      return;
    }
    std::visit(
        [&](auto* p) {
          using T = std::remove_pointer_t<decltype(p)>;
          if constexpr (std::is_same_v<T, double>)
            *p = value;
          else
            *p = static_cast<T>(*node.value_exact<std::int64_t>());
        },
        target);
  }

  void read_authorities(const toml::node& node, Scenario& s) {
    std::vector<std::string> fields;
    for (const auto& f : authority_fields()) fields.push_back(f.key);
    std::set<std::string> names;
    const std::size_t count = for_each_listed_table(
        node, "authorities", "expected a list of tables",
        [&](const toml::node& item, const toml::table& table, const std::string& where) {
          const toml::table* t = &table;
          AuthorityData a;
          bool fte_ok = true;  // no bad number: the establishment check would only repeat it
          for (const auto& [k, value] : *t) {
            const toml::node& v = value;  // lambdas below capture it (clang 14: not a binding)
            const std::string key(k.str());
            const std::string full = where + "." + key;
            auto text = [&](std::string& out) {
              if (auto str = v.value<std::string>())
                out = *str;
              else
                issue(&v, full, "expected a string, not " + type_name(v));
            };
            auto number = [&](double& out, double max) {
              fte_ok &= read_number(v, full, 0, max, "a number", out);
            };
            if (key == "name")
              text(a.name);
            else if (key == "region")
              text(a.region);
            else if (key == "subregion")
              text(a.subregion);
            else if (key == "inner_london") {
              if (auto b = v.value_exact<bool>())
                a.inner_london = *b;
              else
                issue(&v, full, "expected true or false, not " + type_name(v));
            } else if (key == "inpost_fte")
              number(a.inpost_fte, 1e6);
            else if (key == "vacancy_fte")
              number(a.vacancy_fte, 1e6);
            else if (key == "agency_fte")
              number(a.agency_fte, 1e6);
            else if (key == "caseload")
              number(a.caseload, 1000);
            else if (key == "signatory_from")
              a.signatory_from = read_date(v, full);
            else if (key == "pay_index") {
              if (read_number(v, full, 0, 10, "a number", a.pay_index) && a.pay_index <= 0)
                issue(&v, full, "must be positive");
            } else if (key == "golden_hello_gbp") {
              number(a.golden_hello_gbp, 1e6);
            } else if (key == "nqsw_intake_per_year") {
              read_number(v, full, 0, 1e6, "newly qualified a year", a.nqsw_intake_per_year);
            } else if (key == "locum_cover_ratio") {
              read_number(v, full, 0, 100, "locums per long vacancy", a.locum_cover_ratio);
            } else {
              issue(&v, full, "unknown key" + did_you_mean(key, fields));
            }
          }
          if (a.name.empty())
            issue(&item, where + ".name", "missing: every authority needs a name");
          else if (!names.insert(a.name).second)
            issue(&item, where + ".name", "duplicate authority name '" + a.name + "'");
          if (a.region.empty()) issue(&item, where + ".region", "missing");
          if (!t->contains("caseload")) issue(&item, where + ".caseload", "missing");
          if (fte_ok && a.inpost_fte + a.vacancy_fte <= 0)
            issue(&item, where, "establishment (inpost_fte + vacancy_fte) must be positive");
          s.authorities.push_back(std::move(a));
        });
    if (count == 0 && node.is_array())
      issue(&node, "authorities", "empty: list at least one authority");
  }

  void read_agencies(const toml::node& node, Scenario& s) {
    const std::vector<std::string> fields = {"name", "offer_share", "margin_share"};
    std::set<std::string> names;
    const std::size_t count = for_each_listed_table(
        node, "agencies", "expected a list of tables (or [[agencies]] tables)",
        [&](const toml::node& item, const toml::table& t, const std::string& where) {
          Scenario::AgencyFirm a;
          for (const auto& [k, v] : t) {
            const std::string key(k.str());
            const std::string full = where + "." + key;
            if (key == "name") {
              if (auto str = v.value<std::string>())
                a.name = *str;
              else
                issue(&v, full, "expected a string, not " + type_name(v));
            } else if (key == "offer_share") {
              read_number(v, full, 0, 1e6, "a non-negative weight", a.offer_share);
            } else if (key == "margin_share") {
              read_number(v, full, 0, 0.9, "a share of the charge", a.margin_share);
              if (a.margin_share + s.agency.msp_fee_share >= 0.95)
                issue(&v, full, "margin_share + agency.msp_fee_share must stay below 0.95");
            } else {
              issue(&v, full, "unknown key" + did_you_mean(key, fields));
            }
          }
          if (a.name.empty())
            issue(&item, where + ".name", "missing: every agency needs a name");
          else if (!names.insert(a.name).second)
            issue(&item, where + ".name", "duplicate agency name '" + a.name + "'");
          s.agencies.push_back(std::move(a));
        });
    if (count > kMaxAgencies) issue(&node, "agencies", "at most 16 agencies");
    double total = 0;
    for (const auto& a : s.agencies) total += a.offer_share;
    if (count > 0 && total <= 0) issue(&node, "agencies", "offer_share must sum to more than 0");
  }

  void check_consistency(const Scenario& s, const toml::table& root) {
    std::set<std::string> zones;
    for (const auto& a : s.authorities) zones.insert(a.region + "/" + a.subregion);
    if (zones.size() > 255)
      issue(root.get("authorities"), "authorities", "at most 255 (region, subregion) zones");
    if (s.authorities.size() > 10000)
      issue(root.get("authorities"), "authorities", "at most 10000 authorities");
    if (s.agency.margin_share + s.agency.msp_fee_share >= 0.95) {
      // Point at the one the file sets (the fee when it sets both).
      const std::string key =
          root.at_path("agency.msp_fee_share") ? "agency.msp_fee_share" : "agency.margin_share";
      issue(root.at_path(key).node(), key,
            "margin_share + msp_fee_share must stay below 0.95 of the charge (now " +
                fmt(s.agency.margin_share) + " + " + fmt(s.agency.msp_fee_share) + ")");
    }
    const auto& m = s.pay.role_min_pqe_years;
    const std::string thresholds = "pay.role_min_pqe_years";
    const auto threshold_node = [&](int r) {
      return root.at_path(thresholds + "." + std::string(kRoleNames[r])).node();
    };
    if (m[0] != 0) {
      const toml::node* n = threshold_node(0);
      issue(n ? n : root.at_path(thresholds).node(), thresholds + ".nqsw",
            "must be 0 (every practitioner has a role)");
    }
    for (int r = 1; r < kRoleCount; ++r) {
      if (m[r] >= m[r - 1]) continue;
      const std::string role(kRoleNames[r]), below(kRoleNames[r - 1]);
      if (const toml::node* n = threshold_node(r); n || !threshold_node(r - 1))
        issue(n ? n : root.at_path(thresholds).node(), thresholds + "." + role,
              "value " + fmt(m[r]) + " is below the threshold of " + below + " (" + fmt(m[r - 1]) +
                  "); thresholds must not fall with seniority");
      else
        issue(threshold_node(r - 1), thresholds + "." + below,
              "value " + fmt(m[r - 1]) + " is above the threshold of " + role + " (" + fmt(m[r]) +
                  "); thresholds must not fall with seniority");
    }
  }

  std::string file_;
  std::vector<ScenarioIssue> issues_;
};

}  // namespace

namespace {

namespace fs = std::filesystem;

toml::table parse_root(const std::string& text, const std::string& source_name) {
  try {
    return toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    throw ScenarioError({{source_name, static_cast<std::int64_t>(e.source().begin.line), "",
                          "TOML syntax error: " + std::string(e.description())}});
  }
}

// The text of `path` from `files`; throws naming the include (or the file
// itself when `from` is empty) when it cannot be read.
std::string read_file(const ScenarioFiles& files, const fs::path& path, std::int64_t line,
                      const std::string& from) {
  std::optional<std::string> text = files.read(path);
  if (!text) {
    if (from.empty()) throw ScenarioError({{path.string(), 0, "", "cannot open scenario file"}});
    throw ScenarioError(
        {{from, line, "include", "included file '" + path.string() + "' cannot be opened"}});
  }
  return std::move(*text);
}

// Keys of `overlay` replace those of `base`; tables merge key by key, so an
// including file changes only what it names. Lists (authorities, policies)
// are replaced whole.
void merge_into(toml::table& base, toml::table&& overlay) {
  for (auto&& [key, value] : overlay) {
    toml::node* existing = base.get(key);
    if (value.is_table() && existing && existing->is_table())
      merge_into(*existing->as_table(), std::move(*value.as_table()));
    else
      base.insert_or_assign(key, std::move(value));
  }
}

// Resolves `include = "base.toml"` (relative to the including file),
// recursively, refusing cycles.
toml::table resolve_includes(toml::table root, const std::string& source_name,
                             std::vector<fs::path>& chain, const ScenarioFiles& files) {
  const toml::node* include = root.get("include");
  if (!include) return root;
  const auto target = include->value<std::string>();
  const std::int64_t line = include->source().begin.line;
  if (!target)
    throw ScenarioError(
        {{source_name, line, "include", "expected a file name, e.g. \"base.toml\""}});
  const fs::path path = fs::path(source_name).parent_path() / *target;
  const fs::path canonical = files.identity(path);
  if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
    std::string cycle;
    for (const auto& p : chain) cycle += p.filename().string() + " -> ";
    throw ScenarioError({{source_name, line, "include",
                          "include cycle: " + cycle + canonical.filename().string()}});
  }
  chain.push_back(canonical);
  toml::table base =
      resolve_includes(parse_root(read_file(files, path, line, source_name), path.string()),
                       path.string(), chain, files);
  chain.pop_back();
  root.erase("include");
  merge_into(base, std::move(root));
  return base;
}

Scenario read_root(toml::table root, const std::string& source_name,
                   const std::vector<Override>& overrides) {
  Parser parser(source_name);
  parser.apply_overrides(root, overrides);
  Scenario s;
  parser.read(root, s);
  if (!parser.ok()) throw ScenarioError(parser.take_issues());
  return s;
}

}  // namespace

namespace {

class DiskFiles : public ScenarioFiles {
 public:
  fs::path identity(const fs::path& path) const override {
    // No exception for a name the system refuses (too long, say): the
    // include is then reported as a file that cannot be opened.
    std::error_code error;
    fs::path canonical = fs::weakly_canonical(path, error);
    return error ? path.lexically_normal() : canonical;
  }
  std::optional<std::string> read(const fs::path& path) const override {
    std::error_code error;
    if (fs::is_directory(path, error)) return std::nullopt;  // would read as an empty file
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
};

}  // namespace

const ScenarioFiles& disk_files() {
  static const DiskFiles files;
  return files;
}

Scenario parse_scenario(const std::string& text, const std::string& source_name,
                        const std::vector<Override>& overrides, const ScenarioFiles& files) {
  std::vector<fs::path> chain;
  if (!source_name.empty() && source_name.front() != '<')
    chain.push_back(files.identity(fs::path(source_name)));
  return read_root(resolve_includes(parse_root(text, source_name), source_name, chain, files),
                   source_name, overrides);
}

Scenario load_scenario_file(const std::filesystem::path& path,
                            const std::vector<Override>& overrides, const ScenarioFiles& files) {
  return parse_scenario(read_file(files, path, 0, ""), path.string(), overrides, files);
}

Scenario builtin_default_scenario(const std::vector<Override>& overrides) {
  return parse_scenario(builtin_default_scenario_text(), "<built-in london_baseline>", overrides);
}

namespace {
toml::date toml_date(sim::Date d) {
  return toml::date{d.year(), static_cast<std::uint8_t>(d.month()),
                    static_cast<std::uint8_t>(d.day())};
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
    if (a.signatory_from) t.insert("signatory_from", toml_date(*a.signatory_from));
    authorities.push_back(std::move(t));
  }
  root.insert("authorities", std::move(authorities));
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
    if (p.scope.kind == PolicyScope::Kind::authorities) {
      toml::array names;
      for (const auto& n : p.scope.authorities) names.push_back(n);
      t.insert("scope", std::move(names));
    } else {
      t.insert("scope", p.scope.to_string());
    }
    switch (p.kind) {
      case PolicyKind::agency_pay_cap:
      case PolicyKind::agency_price_cap: {
        toml::table rates;
        for (int r = 0; r < kRoleCount; ++r) rates.insert(kRoleNames[r], p.rate_gbp_per_hour[r]);
        t.insert("rate_gbp_per_hour", std::move(rates));
        break;
      }
      case PolicyKind::cooling_off:
      case PolicyKind::notice_period:
        t.insert("weeks", p.weeks);
        break;
      case PolicyKind::agency_min_experience:
        t.insert("pqe_years", p.pqe_years);
        break;
      case PolicyKind::harmonised_pay:
        t.insert("band_share", p.band_share);
        break;
      case PolicyKind::no_poach:
        break;
      case PolicyKind::shared_references:
        t.insert("screen_share", p.screen_share);
        break;
      case PolicyKind::staged_golden_hello: {
        toml::array weeks, gbp;
        for (auto w : p.stage_weeks) weeks.push_back(w);
        for (auto g : p.stage_gbp) gbp.push_back(g);
        t.insert("stage_weeks", std::move(weeks));
        t.insert("stage_gbp", std::move(gbp));
        break;
      }
      case PolicyKind::retention_payment:
        t.insert("min_tenure_weeks", p.min_tenure_weeks);
        t.insert("gbp_per_year", p.gbp_per_year);
        break;
      case PolicyKind::inhouse_bank: {
        toml::table rates;
        for (int r = 0; r < kRoleCount; ++r) rates.insert(kRoleNames[r], p.rate_gbp_per_hour[r]);
        t.insert("rate_gbp_per_hour", std::move(rates));
        t.insert("cover_share", p.cover_share);
        break;
      }
      case PolicyKind::asye_pipeline:
        t.insert("min_share", p.min_share);
        break;
      case PolicyKind::trainee_pay:
        t.insert("pay_gbp_per_year", p.pay_gbp_per_year);
        break;
      case PolicyKind::progression_pathway:
        t.insert("years_earlier", p.years_earlier);
        break;
      case PolicyKind::relocation_allowance:
        t.insert("gbp", p.gbp);
        break;
    }
    policies.push_back(std::move(t));
  }
  if (!policies.empty()) root.insert("policies", std::move(policies));
  std::ostringstream out;
  out << "# Fully resolved pledgesim scenario: every key, defaults included.\n";
  out << toml::toml_formatter(root) << '\n';
  return out.str();
}

}  // namespace pledgesim::models
