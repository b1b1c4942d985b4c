// [inputs] of a scenario: the table of dated values (a CSV file and inline
// rows) and the projection rules; see models/inputs.hpp.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "models/scenario_reader.hpp"

namespace pledgesim::models::detail {

namespace {

// The fields of one CSV line (RFC 4180: fields may be quoted, "" is a quote
// inside quotes); nullopt when a quote is not closed.
std::optional<std::vector<std::string>> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t k = 0; k < line.size(); ++k) {
    const char c = line[k];
    if (quoted) {
      if (c == '"' && k + 1 < line.size() && line[k + 1] == '"')
        fields.back() += '"', ++k;
      else if (c == '"')
        quoted = false;
      else
        fields.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (quoted) return std::nullopt;
  return fields;
}

constexpr std::array<std::string_view, 5> kColumns = {"scope", "date", "variable", "value",
                                                      "source"};

}  // namespace

void ScenarioReader::read_inputs_key(const std::string& key, const toml::node& node, Scenario& s) {
  if (key == "inputs.table") return read_input_table(node, s);
  if (key == "inputs.rows") return read_input_rows(node, s);
  // inputs.projection.<variable>.rule
  const std::string variable = key.substr(
      std::string("inputs.projection.").size(),
      key.size() - std::string("inputs.projection.").size() - std::string(".rule").size());
  const auto v = input_variable_named(variable);
  const auto name = node.value<std::string>();
  std::vector<std::string> rules(kProjectionRuleNames.begin(), kProjectionRuleNames.end());
  const auto rule = name ? std::find(rules.begin(), rules.end(), *name) : rules.end();
  if (!v || rule == rules.end()) {
    issue(&node, key,
          (name ? "unknown rule '" + *name + "'" : "expected a string, not " + type_name(node)) +
              "; expected one of " + join_names(rules));
    return;
  }
  s.inputs.projection[static_cast<std::size_t>(*v)].rule =
      static_cast<ProjectionRule>(rule - rules.begin());
}

bool ScenarioReader::parse_input_row(const ScenarioIssue& where, const std::string& scope,
                                     const std::string& date, const std::string& variable,
                                     double value, const std::string& source, InputRow& row) {
  auto fail = [&](const std::string& message) {
    issues_.push_back({where.file, where.line, where.key, message});
    return false;
  };
  const auto v = input_variable_named(variable);
  if (!v) {
    std::vector<std::string> names(kInputVariableNames.begin(), kInputVariableNames.end());
    return fail("unknown variable '" + variable + "'" + did_you_mean(variable, names) +
                "; expected one of " + join_names(names));
  }
  const auto d = sim::Date::parse(date);
  if (!d) return fail("'" + date + "' is not a date; expected a date such as 2018-09-30");
  if (scope.empty()) return fail("scope is empty; expected an authority, a region or \"all\"");
  if (!std::isfinite(value)) return fail("value is not a finite number");
  if (adds_up(*v) ? !(value >= 0 && value <= 1e7) : !(value >= -0.5 && value <= 1))
    return fail(variable + " " + fmt(value) + " is outside " +
                (adds_up(*v) ? range_text(0, 1e7) : range_text(-0.5, 1)));
  row = {.scope = scope, .date = *d, .variable = *v, .value = value, .source = source};
  return true;
}

// A CSV file with the header scope,date,variable,value,source (any order),
// relative to the scenario file that names it.
void ScenarioReader::read_input_table(const toml::node& node, Scenario& s) {
  const auto name = node.value<std::string>();
  if (!name) {
    issue(&node, "inputs.table",
          "expected a CSV file name, e.g. \"data/inputs.csv\", not " + type_name(node));
    return;
  }
  std::filesystem::path path = *name;
  const auto& from = node.source().path;
  if (path.is_relative() && from && !from->empty() && from->front() != '<' &&
      !from->starts_with("--set"))
    path = std::filesystem::path(*from).parent_path() / path;
  const std::optional<std::string> text = files_->read(path);
  if (!text) {
    issue(&node, "inputs.table",
          "cannot open '" + path.string() + "': " + files_->why_unreadable(path));
    return;
  }
  std::istringstream lines(*text);
  std::string line;
  std::int64_t number = 0;
  std::array<std::size_t, kColumns.size()> column{};
  bool header = true;
  while (std::getline(lines, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const ScenarioIssue where{path.string(), number, "inputs.table", ""};
    if (line.empty()) continue;
    const auto fields = csv_fields(line);
    if (!fields) {
      issues_.push_back({where.file, number, where.key, "a quoted field is not closed"});
      continue;
    }
    if (header) {
      header = false;
      for (std::size_t c = 0; c < kColumns.size(); ++c) {
        const auto at = std::find(fields->begin(), fields->end(), kColumns[c]);
        if (at == fields->end()) {
          issues_.push_back({where.file, number, where.key,
                             "the header has no column '" + std::string(kColumns[c]) +
                                 "'; expected scope,date,variable,value,source"});
          return;
        }
        column[c] = static_cast<std::size_t>(at - fields->begin());
      }
      continue;
    }
    if (fields->size() <= *std::max_element(column.begin(), column.end())) {
      issues_.push_back({where.file, number, where.key, "too few fields"});
      continue;
    }
    const auto& f = *fields;
    double value = 0;
    std::size_t used = 0;
    try {
      value = std::stod(f[column[3]], &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != f[column[3]].size()) {
      issues_.push_back(
          {where.file, number, where.key, "value '" + f[column[3]] + "' is not a number"});
      continue;
    }
    InputRow row;
    if (parse_input_row(where, f[column[0]], f[column[1]], f[column[2]], value, f[column[4]],
                        row)) {
      s.inputs.rows.push_back(std::move(row));
      row_where_.push_back(where);
    }
  }
  if (header) issue(&node, "inputs.table", "'" + path.string() + "' is empty");
}

// Inline rows: inputs.rows = [{ scope = ..., date = ..., variable = ..., value = ..., source = ...
// }] (what to_toml writes, so that a resolved scenario needs no other file).
void ScenarioReader::read_input_rows(const toml::node& node, Scenario& s) {
  for_each_listed_table(
      node, "inputs.rows", "expected a list of tables",
      [&](const toml::node& item, const toml::table& t, const std::string& where) {
        std::map<std::string, std::string> text;
        double value = 0;
        bool ok = true;
        for (const auto& [k, v] : t) {
          const std::string key(k.str());
          if (key == "value") {
            ok &= read_number(v, where + ".value", -1e300, 1e300, "a number", value);
          } else if (key == "date") {
            if (const auto d = read_date(v, where + ".date"))
              text[key] = d->iso();
            else
              ok = false;
          } else if (key == "scope" || key == "variable" || key == "source") {
            if (const auto str = v.value<std::string>())
              text[key] = *str;
            else
              issue(&v, where + "." + key, "expected a string, not " + type_name(v)), ok = false;
          } else {
            std::vector<std::string> names(kColumns.begin(), kColumns.end());
            issue(&v, where + "." + key, "unknown key" + did_you_mean(key, names));
            ok = false;
          }
        }
        for (const char* required : {"scope", "date", "variable"})
          if (ok && !text.count(required))
            issue(&item, where + "." + required, "missing"), ok = false;
        if (ok && !t.contains("value")) issue(&item, where + ".value", "missing"), ok = false;
        if (!ok) return;
        const ScenarioIssue at{item.source().path ? *item.source().path : file_,
                               item.source().begin.line, where, ""};
        InputRow row;
        if (parse_input_row(at, text["scope"], text["date"], text["variable"], value,
                            text["source"], row)) {
          s.inputs.rows.push_back(std::move(row));
          row_where_.push_back(at);
        }
      });
}

// Scopes name an authority or a region of the scenario, or "all"; the
// national rates are "all" only; no two rows of a series share a date.
void ScenarioReader::check_inputs(const Scenario& s) {
  std::set<std::string> authorities, regions;
  for (const auto& a : s.authorities) authorities.insert(a.name), regions.insert(a.region);
  std::vector<std::string> names(authorities.begin(), authorities.end());
  names.insert(names.end(), regions.begin(), regions.end());
  names.push_back("all");
  std::map<std::tuple<std::string, int, std::int64_t>, std::size_t> seen;
  for (std::size_t k = 0; k < s.inputs.rows.size(); ++k) {
    const InputRow& r = s.inputs.rows[k];
    const ScenarioIssue& w = row_where_[k];
    const std::string variable(kInputVariableNames[static_cast<std::size_t>(r.variable)]);
    auto fail = [&](const std::string& message) {
      issues_.push_back({w.file, w.line, w.key, message});
    };
    if (!adds_up(r.variable) && r.scope != "all")
      fail(variable + " is national: its scope must be \"all\", not '" + r.scope + "'");
    else if (r.scope != "all" && !authorities.count(r.scope) && !regions.count(r.scope))
      fail("scope '" + r.scope + "' is not an authority or region of the scenario" +
           did_you_mean(r.scope, names));
    const auto key = std::make_tuple(r.scope, static_cast<int>(r.variable), r.date.days());
    if (const auto [it, fresh] = seen.emplace(key, k); !fresh)
      fail("a second " + variable + " row for '" + r.scope + "' on " + r.date.iso() +
           " (the first: " + row_where_[it->second].file + ":" +
           std::to_string(row_where_[it->second].line) + ")");
  }
}

}  // namespace pledgesim::models::detail
