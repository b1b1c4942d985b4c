#include "models/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "models/scenario_include.hpp"
#include "models/scenario_labels.hpp"
#include "models/scenario_reader.hpp"

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

namespace detail {

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

std::string range_text(double min, double max) {
  std::ostringstream out;  // a stream, as fmt: "[0, 1e+06]"
  out << '[' << min << ", " << max << ']';
  return out.str();
}

void ScenarioReader::issue(const toml::node* node, const std::string& key,
                           const std::string& message) {
  std::string file = file_;
  std::int64_t line = 0;
  if (node) {
    const auto& src = node->source();
    if (src.path && !src.path->empty()) file = *src.path;
    line = src.begin.line;
  }
  issues_.push_back({file, line, key, message});
}

std::vector<ScenarioIssue> ScenarioReader::take_issues() {
  std::stable_sort(issues_.begin(), issues_.end(), [](const auto& a, const auto& b) {
    return std::tie(a.file, a.line) < std::tie(b.file, b.line);
  });
  return std::move(issues_);
}

template <class IsValue, class F>
void ScenarioReader::walk(const toml::table& table, const std::string& prefix,
                          const IsValue& is_value, F&& f) {
  for (const auto& [k, node] : table) {
    const std::string key =
        prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (node.is_table() && !is_value(key))
      walk(*node.as_table(), key, is_value, f);
    else
      f(key, node);
  }
}

void ScenarioReader::read(toml::table& root, Scenario& s) {
  std::vector<std::string> known = {
      "name",    "description",  "start",       "authorities", "policies",           "agencies",
      "include", "inputs.table", "inputs.rows", "shocks",      "behaviour_by_region"};
  for (const auto name : kInputVariableNames)
    known.push_back("inputs.projection." + std::string(name) + ".rule");
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
      if (auto v = node.value<std::string>()) {
        (key == "name" ? s.name : s.description) = *v;
        if (auto why = text_problem(*v, key == "name" ? TextUse::kFileName : TextUse::kDescription))
          issue(&node, key, *why);
      } else
        issue(&node, key, "expected a string, not " + type_name(node));
    } else if (key == "start") {
      if (auto d = read_date(node, key)) s.start = *d;
    } else if (key == "include") {  // resolved before overrides: only --set leaves one here
      issue(&node, key, "cannot be given with --set (includes are resolved before overrides)");
    } else if (key.starts_with("inputs.") && is_value_key(key) && !by_key.count(key)) {
      read_inputs_key(key, node, s);
    } else if (key == "authorities" || key == "policies" || key == "agencies" || key == "shocks" ||
               key == "behaviour_by_region") {
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
  if (const toml::node* shocks = root.get("shocks")) read_shocks(*shocks, s);
  if (const toml::node* by = root.get("behaviour_by_region")) read_behaviour_by_region(*by, s);
  check_inputs(s);
  check_consistency(s, root);
}

std::optional<sim::Date> ScenarioReader::read_date(const toml::node& node, const std::string& key) {
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

bool ScenarioReader::read_number(const toml::node& v, const std::string& key, double min,
                                 double max, const std::string& what, double& out, bool integral) {
  double x = 0;
  bool is_number = false;
  if (const auto i = v.value_exact<std::int64_t>()) {
    x = static_cast<double>(*i), is_number = true;
  } else if (const auto f = v.value_exact<double>(); f && !integral) {
    x = *f, is_number = true;
  }
  const std::string range = range_text(min, max);
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

void ScenarioReader::read_param(const ParamDef& def, const toml::node& node, Scenario& s) {
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

void ScenarioReader::read_authorities(const toml::node& node, Scenario& s) {
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
            if (auto str = v.value<std::string>()) {
              out = *str;
              if (auto why = text_problem(*str, TextUse::kLabel)) issue(&v, full, *why);
            } else {
              issue(&v, full, "expected a string, not " + type_name(v));
            }
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
          } else if (key == "councils") {
            double n = 1;
            if (read_number(v, full, 1, 1000, "councils", n, true))
              a.councils = static_cast<std::int64_t>(n);
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

void ScenarioReader::read_agencies(const toml::node& node, Scenario& s) {
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
            if (auto str = v.value<std::string>()) {
              a.name = *str;
              if (auto why = text_problem(*str, TextUse::kLabel)) issue(&v, full, *why);
            } else {
              issue(&v, full, "expected a string, not " + type_name(v));
            }
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

void ScenarioReader::check_consistency(const Scenario& s, const toml::table& root) {
  // Output files date each week YYYY-MM-DD (/time/date), and their readers
  // refuse any other form: the last week must start by 9999-12-31.
  if (const sim::Date last = s.start.plus_days(7 * (s.weeks() - 1)); last.year() > 9999) {
    const char* key = root.get("start") || !root.get("years") ? "start" : "years";
    issue(root.get(key), key,
          "the run's last week would start on " + last.iso() + ", after 9999-12-31 (start " +
              s.start.iso() + ", years = " + std::to_string(s.years) +
              "); output files date weeks YYYY-MM-DD");
  }
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

}  // namespace detail

namespace {

Scenario read_root(toml::table root, const std::string& source_name,
                   const std::vector<Override>& overrides, const ScenarioFiles& files) {
  detail::ScenarioReader reader(source_name, detail::apply_overrides(root, overrides), files);
  Scenario s;
  reader.read(root, s);
  if (!reader.ok()) throw ScenarioError(reader.take_issues());
  return s;
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& source_name,
                        const std::vector<Override>& overrides, const ScenarioFiles& files) {
  std::vector<std::filesystem::path> chain;
  if (!source_name.empty() && source_name.front() != '<')
    chain.push_back(files.identity(std::filesystem::path(source_name)));
  return read_root(
      detail::resolve_includes(detail::parse_root(text, source_name), source_name, chain, files),
      source_name, overrides, files);
}

Scenario load_scenario_file(const std::filesystem::path& path,
                            const std::vector<Override>& overrides, const ScenarioFiles& files) {
  return parse_scenario(detail::read_scenario_text(files, path, 0, ""), path.string(), overrides,
                        files);
}

namespace {
// The built-in scenario's one other file, its inputs table; a table given
// with --set is read from disk.
class BuiltinFiles : public ScenarioFiles {
 public:
  std::filesystem::path identity(const std::filesystem::path& path) const override {
    return path == kTable ? path : disk_files().identity(path);
  }
  std::optional<std::string> read(const std::filesystem::path& path) const override {
    return path == kTable ? builtin_inputs_table_text() : disk_files().read(path);
  }
  std::string why_unreadable(const std::filesystem::path& path) const override {
    return disk_files().why_unreadable(path);
  }

 private:
  inline static const std::filesystem::path kTable = "data/inputs_2017_2021.csv";
};
}  // namespace

Scenario builtin_default_scenario(const std::vector<Override>& overrides) {
  static const BuiltinFiles files;
  return parse_scenario(builtin_default_scenario_text(), "<built-in london_baseline>", overrides,
                        files);
}

}  // namespace pledgesim::models
