#include "app/sweep.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <mutex>
#include <set>
#include <sstream>

#include "analysis/cpp/grouping.hpp"
#include "analysis/cpp/indicators.hpp"
#include "analysis/cpp/run_memory.hpp"
#include "app/design_csv.hpp"
#include "app/toml_checker.hpp"
#include "models/metrics.hpp"
#include "models/policy_kinds.hpp"
#include "models/runner.hpp"
#include "models/scenario_schema.hpp"
#include "sim/core/progress.hpp"
#include "sim/core/replication.hpp"

namespace pledgesim::app {

namespace fs = std::filesystem;
namespace an = pledgesim::analysis;
using models::ScenarioIssue;

std::string SweepParameter::name() const {
  switch (kind) {
    case Kind::scenario_key:
      return key;
    case Kind::policy_field:
      return "policies[" + std::to_string(policy) + "]." + key;
    case Kind::signatory_share:
      return "signatory_share." + key;
  }
  return key;
}

std::string SweepOutput::name() const {
  std::string g = group;
  for (char& c : g)
    if (c == ' ') c = '_';
  return weekly() ? series + "." + g : indicator + "." + g + "." + std::to_string(year);
}

namespace {

class SweepReader : public TomlChecker {
 public:
  explicit SweepReader(std::string file) : TomlChecker(std::move(file)) {}

  void read(const toml::table& root, SweepSpec& spec, const fs::path& file) {
    const std::vector<std::string> known = {
        "scenario", "years",         "seed",       "replications", "seed_policy", "design",
        "samples",  "morris_levels", "parameters", "outputs",      "description", "design_file"};
    unknown_fields(root, "", known);
    read_run_keys(root, file, spec.scenario, spec.years, spec.seed);
    if (const auto* n = root.get("replications"))
      spec.replications = static_cast<std::size_t>(integer(*n, "replications", 1, 100000));
    if (const auto* n = root.get("seed_policy")) {
      const auto s = n->value<std::string>();
      if (s && (*s == "common" || *s == "independent"))
        spec.common_random_numbers = *s == "common";
      else
        issue(n, "seed_policy", "expected \"common\" (default) or \"independent\"");
    }
    if (const auto* n = root.get("design")) {
      const auto s = n->value<std::string>();
      const auto kind = s ? an::parse_design_kind(*s) : std::nullopt;
      if (kind)
        spec.design.kind = *kind;
      else
        issue(n, "design",
              "expected \"grid\", \"latin_hypercube\", \"saltelli\", \"morris\" or \"csv\"");
    } else {
      issue(nullptr, "design", "missing: grid, latin_hypercube, saltelli, morris or csv");
    }
    const bool csv = spec.design.kind == an::DesignKind::csv;
    if (const auto* n = root.get("design_file")) {
      const auto s = n->value<std::string>();
      if (!csv)
        issue(n, "design_file", "only for design = \"csv\" (points read from a CSV file)");
      else if (!s || s->empty())
        issue(n, "design_file", "expected a CSV file name, relative to this file");
      else
        spec.design_file = file.parent_path() / *s;
    } else if (csv) {
      issue(nullptr, "design_file",
            "missing: the CSV file of the design's points (a header naming the parameters, "
            "then one row per point), relative to this file");
    }
    if (const auto* n = root.get("samples")) {
      if (csv)
        issue(n, "samples", "a csv design has one point per row of its design_file: no samples");
      else
        spec.design.samples = static_cast<std::size_t>(integer(*n, "samples", 1, 1e7));
    } else if (spec.design.kind != an::DesignKind::grid && !csv)
      issue(nullptr, "samples",
            "missing: points (latin_hypercube), base samples (saltelli) or trajectories (morris)");
    if (const auto* n = root.get("morris_levels"))
      spec.design.morris_levels = static_cast<std::size_t>(integer(*n, "morris_levels", 2, 100));
    spec.design.seed = spec.seed;
    read_parameters(root, spec);
    read_outputs(root, spec);
    spec.design.dimensions = spec.parameters.size();
    for (const auto& p : spec.parameters)
      spec.design.grid_levels.push_back(p.values.empty() ? p.levels : p.values.size());
  }

 private:
  void read_parameters(const toml::table& root, SweepSpec& spec) {
    std::vector<std::string> keys;
    for (const auto& p : models::scenario_params()) keys.push_back(p.key);
    std::vector<std::string> fields;
    std::string field_list;  // "rate_scale (multiplies the rates), weeks, ..."
    for (const auto& f : models::policy_sweep_fields()) {
      fields.push_back(f.name);
      field_list += (field_list.empty() ? "" : ", ") + f.name + f.note;
    }
    each_table(root, "parameters", [&](const toml::table& t, const std::string& where) {
      unknown_fields(t, where,
                     {"key", "policy", "field", "signatory_share_of", "min", "max", "values",
                      "levels", "note"});
      SweepParameter p;
      const int how = t.contains("key") + t.contains("policy") + t.contains("signatory_share_of");
      if (how != 1) {
        issue(&t, where,
              "give exactly one of key = \"section.name\", policy = INDEX with field = "
              "\"...\", or signatory_share_of = \"REGION\"");
        return;
      }
      if (const toml::node* k = t.get("key")) {
        const auto name = k->value<std::string>();
        const models::ParamDef* def = name ? models::param_form(*name) : nullptr;
        if (!def) {
          issue(k, where + ".key",
                name ? "not a numeric scenario key: '" + *name + "'" + hint(*name, keys)
                     : std::string("expected a scenario key"));
          return;
        }
        p.kind = SweepParameter::Kind::scenario_key;
        p.key = *name;
        models::Scenario probe;
        p.integer = !std::holds_alternative<double*>(def->target(probe));
      } else if (const toml::node* pol = t.get("policy")) {
        p.kind = SweepParameter::Kind::policy_field;
        p.policy = static_cast<std::size_t>(integer(*pol, where + ".policy", 0, 10000));
        const toml::node* f = t.get("field");
        const auto field = f ? f->value<std::string>() : std::nullopt;
        const auto& known = models::policy_sweep_fields();
        const auto it = std::find_if(known.begin(), known.end(),
                                     [&](const auto& x) { return field && x.name == *field; });
        if (it == known.end()) {
          issue(f ? f : &t, where + ".field",
                (field ? "not a policy field a sweep can vary: '" + *field + "'" +
                             hint(*field, fields)
                       : std::string("missing")) +
                    "; one of " + field_list);
          return;
        }
        p.key = it->name;
        p.integer = it->integer;
      } else {
        const toml::node* r = t.get("signatory_share_of");
        const auto region = r->value<std::string>();
        if (!region) {
          issue(r, where + ".signatory_share_of", "expected a region name, e.g. \"London\"");
          return;
        }
        p.kind = SweepParameter::Kind::signatory_share;
        p.key = *region;
      }
      const bool csv = spec.design.kind == an::DesignKind::csv;
      if (const toml::node* v = t.get("values"); v && csv) {
        issue(v, where + ".values",
              "a csv design takes its values from design_file: give min and max to check them "
              "against, or neither");
      } else if (csv && !t.contains("min") && !t.contains("max")) {
        p.ranged = false;  // the CSV's values, checked against the key's own limits only
      } else if (v) {
        const toml::array* arr = v->as_array();
        for (std::size_t k = 0; arr && k < arr->size(); ++k)
          if (auto x = arr->get(k)->value<double>(); x && std::isfinite(*x)) p.values.push_back(*x);
        if (!arr || arr->empty() || p.values.size() != arr->size())
          issue(v, where + ".values", "expected a non-empty list of numbers");
        if (t.contains("min") || t.contains("max"))
          issue(v, where + ".values", "give either values or min and max, not both");
      } else {
        const toml::node* lo = t.get("min");
        const toml::node* hi = t.get("max");
        const auto a = lo ? lo->value<double>() : std::nullopt;
        const auto b = hi ? hi->value<double>() : std::nullopt;
        if (!a || !b || !std::isfinite(*a) || !std::isfinite(*b)) {
          issue(lo ? lo : &t, where + (lo ? ".min" : ""),
                "expected min and max (numbers), or values = [...]");
          return;
        }
        p.min = *a, p.max = *b;
        if (!(p.min <= p.max)) issue(hi, where + ".max", "must not be below min");
        if (p.kind == SweepParameter::Kind::signatory_share && (p.min < 0 || p.max > 1))
          issue(lo, where + ".min", "a share: min and max within [0, 1]");
      }
      if (const toml::node* l = t.get("levels"))
        p.levels = static_cast<std::size_t>(integer(*l, where + ".levels", 1, 1000));
      spec.parameters.push_back(p);
    });
  }

  void read_outputs(const toml::table& root, SweepSpec& spec) {
    std::vector<std::string> names, metrics;
    for (const auto& d : an::indicator_defs()) names.push_back(d.name);
    for (const auto& m : models::metric_specs()) metrics.push_back(m.name);
    std::set<std::string> seen;
    each_table(root, "outputs", [&](const toml::table& t, const std::string& where) {
      unknown_fields(t, where, {"indicator", "series", "group", "year", "note"});
      SweepOutput o;
      if (t.contains("indicator") == t.contains("series")) {
        issue(&t, where,
              "give indicator = \"...\" with year = ... (an annual indicator), or series = "
              "\"...\" (a weekly series)");
        return;
      }
      if (const toml::node* ind = t.get("indicator")) {
        const auto name = ind->value<std::string>();
        if (!name || !an::find_indicator(*name)) {
          issue(ind, where + ".indicator",
                name ? "unknown indicator '" + *name + "'" + hint(*name, names)
                     : std::string("expected an indicator name"));
          return;
        }
        o.indicator = *name;
        if (const toml::node* y = t.get("year"))
          o.year = static_cast<int>(integer(*y, where + ".year", 1900, 2200));
        else
          issue(&t, where + ".year", "missing");
      } else {
        const toml::node* ser = t.get("series");
        const auto name = ser->value<std::string>();
        if (!name || std::find(metrics.begin(), metrics.end(), *name) == metrics.end()) {
          issue(ser, where + ".series",
                name ? "unknown series '" + *name + "'" + hint(*name, metrics)
                     : std::string("expected a series name such as \"agency_fte\""));
          return;
        }
        o.series = *name;
        if (const toml::node* y = t.get("year"))
          issue(y, where + ".year", "a weekly series keeps every week: no year");
      }
      const toml::node* g = t.get("group");
      o.group = g ? g->value_or(std::string()) : "";
      if (o.group.empty())
        issue(g ? g : &t, where + ".group", "expected a group such as \"London\" or \"all\"");
      if (!seen.insert(o.name()).second) issue(&t, where, "listed twice: " + o.name());
      spec.outputs.push_back(o);
    });
  }
};

}  // namespace

models::Scenario load_sweep_base(const SweepSpec& spec, const models::ScenarioFiles& files) {
  std::vector<models::Override> overrides;
  if (spec.years) overrides.push_back({"years", std::to_string(*spec.years)});
  return spec.scenario.empty() ? models::builtin_default_scenario(overrides)
                               : models::load_scenario_file(spec.scenario, overrides, files);
}

namespace {

std::uint64_t name_hash(const std::string& s, std::uint64_t seed) {
  std::uint64_t h = 1469598103934665603ULL ^ seed;  // FNV-1a, then a splitmix finish
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return sim::splitmix64(h);
}

// What is wrong with the scenario a run gets with parameter k at value x
// (the others at the base's values), or "" when it is one that `pledgesim
// run` would accept as it is: a sweep must not run a scenario that the
// scenario loader refuses.
std::string invalid_at(const models::Scenario& base, const SweepSpec& spec, std::size_t k,
                       double x) {
  const SweepParameter& p = spec.parameters[k];
  std::ostringstream why;
  if (!std::isfinite(x)) return "not a finite number";
  if (p.kind == SweepParameter::Kind::signatory_share)
    return x >= 0 && x <= 1 ? "" : "a share must lie within [0, 1]";
  if (p.kind == SweepParameter::Kind::scenario_key) {
    const models::ParamDef* def = models::find_param(p.key, base);
    if (!def) return "the scenario has no shock, region or policy number that " + p.key + " names";
    if (!(x >= def->min && x <= def->max)) {
      why << "outside the key's range [" << def->min << ", " << def->max << "]";
      return why.str();
    }
  } else if (std::abs(x) > 1e9) {
    return "far outside the field's range";
  }
  SweepSpec one;
  one.seed = spec.seed;
  one.parameters = {p};
  const models::Scenario s = scenario_at(base, one, {x});
  try {
    if (!(models::parse_scenario(models::to_toml(s), "<sweep run>") == s))
      return "the scenario would not run as given (it changes when written and read back)";
  } catch (const models::ScenarioError& e) {
    const auto& first = e.issues().front();
    return "the scenario is not valid: " + (first.key.empty() ? "" : first.key + ": ") +
           first.message;
  }
  return "";
}

// The shortest text that reads back as x ("0.1", not "0.10000000000000001").
std::string shortest(double x) {
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, x).ptr;
  return std::string(buf, end);
}

// A csv design: the points of spec.design_file, its columns matched to the
// sweep's parameters by name (in any order), every value checked as a range's
// ends are (whole numbers where the parameter takes them, inside the range
// the sweep file gives, and the smallest and largest of each column making
// a scenario the loader accepts). Fills the design and the values; false
// (with `issues`) when the file does not do.
bool read_csv_design(SweepSpec& spec, const models::Scenario& base, const toml::table& root,
                     const models::ScenarioFiles& files, std::vector<ScenarioIssue>& issues) {
  const std::string sweep = spec.file.string(), csv = spec.design_file.string();
  const toml::node* key = root.get("design_file");
  const std::int64_t key_line = key ? key->source().begin.line : 0;
  const auto text = files.read(spec.design_file);
  if (!text) {
    issues.push_back({sweep, key_line, "design_file",
                      "'" + csv + "' cannot be read: " + files.why_unreadable(spec.design_file)});
    return false;
  }
  NumberTable table;
  try {
    table = parse_number_csv(*text, csv);
  } catch (const models::ScenarioError& e) {
    issues.insert(issues.end(), e.issues().begin(), e.issues().end());
    return false;
  }
  const std::size_t before = issues.size(), k = spec.parameters.size();
  constexpr std::size_t kMaxIssues = 20;  // as the CSV parser: enough to see what is wrong
  std::size_t more = 0;
  auto add = [&](std::int64_t line, const std::string& where, const std::string& message) {
    if (issues.size() - before < kMaxIssues)
      issues.push_back({csv, line, where, message});
    else
      ++more;
  };
  std::vector<std::string> names;
  for (const auto& p : spec.parameters) names.push_back(p.name());
  std::string name_list;
  for (const auto& n : names) name_list += (name_list.empty() ? "" : ", ") + n;
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::size_t> column_of(k, kNone);
  bool listed = false;
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    const auto it = std::find(names.begin(), names.end(), table.header[c]);
    if (it != names.end()) {
      column_of[static_cast<std::size_t>(it - names.begin())] = c;
      continue;
    }
    const std::string near = models::closest_key(table.header[c], names);
    add(table.header_line, "column " + std::to_string(c + 1),
        "'" + table.header[c] + "' is not a parameter of " + sweep +
            (near.empty() ? "" : " (did you mean '" + near + "'?)") +
            (listed ? "" : "; its [[parameters]] are " + name_list));
    listed = true;  // the list once, at the first stranger
  }
  for (std::size_t j = 0; j < k; ++j)
    if (column_of[j] == kNone)
      add(table.header_line, "",
          "no column for parameters[" + std::to_string(j) + "] (" + names[j] +
              "): the header names every parameter of the sweep");
  if (issues.size() > before) return false;

  const std::size_t rows = table.rows();
  spec.design_values.assign(rows * k, 0.0);
  spec.design.given.assign(rows * k, 0.0);
  for (std::size_t j = 0; j < k; ++j) {
    const SweepParameter& p = spec.parameters[j];
    const std::size_t c = column_of[j];
    const std::string where = column_label(table, c);
    const std::string which = "parameters[" + std::to_string(j) + "]";
    std::size_t lowest = 0, highest = 0;
    bool fits = true;
    for (std::size_t r = 0; r < rows; ++r) {
      const double x = table.at(r, c);
      if (p.integer && x != std::round(x)) {
        add(table.lines[r], where, shortest(x) + ": " + which + " takes whole numbers");
        fits = false;
      } else if (p.ranged && !(x >= p.min && x <= p.max)) {
        add(table.lines[r], where,
            shortest(x) + " is outside the range [" + shortest(p.min) + ", " + shortest(p.max) +
                "] that " + sweep + " gives " + which);
        fits = false;
      }
      if (x < table.at(lowest, c)) lowest = r;
      if (x > table.at(highest, c)) highest = r;
      spec.design_values[r * k + j] = x;
      spec.design.given[r * k + j] = !p.ranged       ? std::numeric_limits<double>::quiet_NaN()
                                     : p.max > p.min ? (x - p.min) / (p.max - p.min)
                                                     : 0.5;
    }
    if (!fits) continue;
    for (const std::size_t r : {lowest, highest}) {
      const std::string why = invalid_at(base, spec, j, table.at(r, c));
      if (why.empty()) continue;
      add(table.lines[r], where, "at " + shortest(table.at(r, c)) + ": " + why);
      break;  // one report per parameter
    }
  }
  if (more > 0) issues.push_back({csv, 0, "", std::to_string(more) + " more problems not listed"});
  if (issues.size() > before) return false;
  spec.design.samples = rows;
  spec.design_text = *text;
  return true;
}

}  // namespace

namespace {

const std::string kSweepHeading = "invalid sweep file";

SweepSpec read_sweep_spec(const std::string& text, const fs::path& file,
                          const models::ScenarioFiles& files) {
  SweepSpec spec;
  spec.file = file;
  spec.text = text;
  const toml::table root = parse_toml_text(text, file);
  SweepReader reader(file.string());
  reader.read(root, spec, file);
  std::vector<ScenarioIssue> issues = reader.issues();
  // A base that cannot be read is this file's problem (its `scenario` line).
  if (issues.empty() && !spec.scenario.empty() && !files.read(spec.scenario))
    issues.push_back({file.string(), root["scenario"].node()->source().begin.line, "scenario",
                      "scenario file '" + spec.scenario.string() + "' cannot be opened"});
  if (issues.empty()) {
    // Throws ScenarioError for its own file.
    const models::Scenario base = load_sweep_base(spec, files);
    for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
      const auto& p = spec.parameters[k];
      const std::string where = "parameters[" + std::to_string(k) + "]";
      if (p.kind == SweepParameter::Kind::policy_field && p.policy >= base.policies.size())
        issues.push_back({file.string(), 0, where + ".policy",
                          "the scenario has " + std::to_string(base.policies.size()) +
                              " [[policies]]; indices start at 0"});
      if (p.kind == SweepParameter::Kind::signatory_share &&
          std::none_of(base.authorities.begin(), base.authorities.end(),
                       [&](const auto& a) { return a.region == p.key; }))
        issues.push_back({file.string(), 0, where + ".signatory_share_of",
                          "no authority of the scenario is in region '" + p.key + "'"});
      if (p.kind == SweepParameter::Kind::policy_field && p.policy < base.policies.size() &&
          !models::policy_has_sweep_field(base.policies[p.policy].kind, p.key)) {
        const auto kind = models::kPolicyKindNames[static_cast<int>(base.policies[p.policy].kind)];
        issues.push_back({file.string(), root["parameters"][k]["field"].node()->source().begin.line,
                          where + ".field",
                          "'" + p.key + "' is not a field of policy " + std::to_string(p.policy) +
                              " (" + std::string(kind) + ")"});
        continue;
      }
      if ((p.kind == SweepParameter::Kind::policy_field && p.policy >= base.policies.size()) ||
          !p.ranged)
        continue;
      // Its lowest and highest values (as point_values gives them) must make valid runs.
      const auto node = root["parameters"][k];
      const bool listed = !p.values.empty();
      double lo = p.min, hi = p.max;
      if (listed) {
        lo = *std::min_element(p.values.begin(), p.values.end());
        hi = *std::max_element(p.values.begin(), p.values.end());
      }
      for (const auto& [x, name] :
           {std::pair{lo, listed ? "values" : "min"}, std::pair{hi, listed ? "values" : "max"}}) {
        const double value = p.integer ? std::round(x) : x;
        const std::string why = invalid_at(base, spec, k, value);
        if (why.empty()) continue;
        std::ostringstream at;
        at << "at " << value << ": " << why;
        issues.push_back(
            {file.string(), node[name].node()->source().begin.line, where + "." + name, at.str()});
        break;  // one report per parameter
      }
    }
    const bool csv_read = spec.design.kind != an::DesignKind::csv ||
                          (issues.empty() && read_csv_design(spec, base, root, files, issues));
    try {
      // Its checks, without making (maybe millions of) points.
      if (csv_read) an::design_points(spec.design);
    } catch (const std::invalid_argument& e) {
      issues.push_back({file.string(), 0, "design", e.what()});
    }
    // Outputs must name a group of `summarize --by region` and a year the run reaches.
    std::set<std::string> groups = {"all", "Inner London", "Outer London"};
    for (const auto& a : base.authorities) groups.insert(a.region);
    const int first = base.start.year(), last = base.start.year() + static_cast<int>(base.years);
    for (std::size_t k = 0; k < spec.outputs.size(); ++k) {
      const auto& o = spec.outputs[k];
      const std::string where = "outputs[" + std::to_string(k) + "]";
      if (!groups.count(o.group)) {
        std::vector<std::string> known(groups.begin(), groups.end());
        issues.push_back({file.string(), 0, where + ".group",
                          "no group '" + o.group + "' in the scenario" + [&] {
                            const std::string h = models::closest_key(o.group, known);
                            return h.empty() ? std::string() : " (did you mean '" + h + "'?)";
                          }()});
      }
      if (!o.weekly() && (o.year < first || o.year > last))
        issues.push_back({file.string(), 0, where + ".year",
                          "the run covers the years to 30 September " + std::to_string(first) +
                              " to " + std::to_string(last)});
    }
  }
  if (!issues.empty()) throw models::ScenarioError(issues);
  return spec;
}

}  // namespace

SweepSpec parse_sweep_spec(const std::string& text, const fs::path& file,
                           const models::ScenarioFiles& files) {
  return models::under_heading(kSweepHeading, [&] { return read_sweep_spec(text, file, files); });
}

SweepSpec load_sweep_spec(const fs::path& file) {
  return models::under_heading(kSweepHeading, [&] {
    return read_sweep_spec(read_text_file(file, "sweep file"), file, models::disk_files());
  });
}

std::vector<double> point_values(const SweepSpec& spec, const an::Design& design,
                                 std::size_t point) {
  const std::size_t dims = spec.parameters.size();
  if (design.kind == an::DesignKind::csv) {  // the values as the file gives them
    const auto row = spec.design_values.begin() + static_cast<std::ptrdiff_t>(point * dims);
    return {row, row + static_cast<std::ptrdiff_t>(dims)};
  }
  std::vector<double> v;
  for (std::size_t k = 0; k < dims; ++k) {
    const auto& p = spec.parameters[k];
    const double u = design.at(point, k);
    double x;
    if (!p.values.empty()) {
      // A list: the grid's levels index it; other designs cut [0, 1] into equal bins.
      const auto n = p.values.size();
      const auto i = design.kind == an::DesignKind::grid
                         ? static_cast<std::size_t>(std::llround(u * static_cast<double>(n - 1)))
                         : std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)));
      x = p.values[i];
    } else {
      x = p.min + u * (p.max - p.min);
    }
    v.push_back(p.integer ? std::round(x) : x);
  }
  return v;
}

models::Scenario scenario_at(const models::Scenario& base, const SweepSpec& spec,
                             const std::vector<double>& values) {
  models::Scenario s = base;
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    const auto& p = spec.parameters[k];
    const double x = values[k];
    switch (p.kind) {
      case SweepParameter::Kind::scenario_key:
        if (const models::ParamDef* def = models::find_param(p.key, s))
          std::visit(
              [&](auto* target) {
                using T = std::remove_pointer_t<decltype(target)>;
                if (target) *target = static_cast<T>(x);
              },
              def->target(s));
        break;
      case SweepParameter::Kind::policy_field: {
        models::set_policy_sweep_field(s.policies[p.policy], base.policies[p.policy], p.key, x);
        break;
      }
      case SweepParameter::Kind::signatory_share: {
        // The region's authorities in a fixed pseudo-random order (by a hash
        // of name and sweep seed): the first round(share x n) are signatories
        // from the start, the others never.
        std::vector<std::pair<std::uint64_t, std::size_t>> order;
        for (std::size_t e = 0; e < s.authorities.size(); ++e)
          if (s.authorities[e].region == p.key)
            order.push_back({name_hash(s.authorities[e].name, spec.seed), e});
        std::sort(order.begin(), order.end());
        const auto signing =
            static_cast<std::size_t>(std::llround(x * static_cast<double>(order.size())));
        for (std::size_t k2 = 0; k2 < order.size(); ++k2)
          s.authorities[order[k2].second].signatory_from =
              k2 < signing ? std::optional<sim::Date>(s.start) : std::nullopt;
        break;
      }
    }
  }
  return s;
}

std::uint64_t run_seed(const SweepSpec& spec, std::size_t point, std::size_t replication) {
  if (spec.common_random_numbers) return sim::replication_seed(spec.seed, replication);
  return sim::replication_seed(spec.seed, 1 + point * spec.replications + replication);
}

std::vector<double> run_outcomes(const SweepSpec& spec, const models::Scenario& scenario) {
  // In memory: a sweep writes nothing per run but its journal entry.
  sim::MemoryRecorder recorder;
  models::RunSettings settings;
  settings.threads = 0;
  const models::RunOutcome outcome = models::run_scenario(scenario, recorder, settings);
  if (outcome.status == models::RunOutcome::Status::kStopped) throw SweepInterrupted();
  std::vector<std::string> names;
  for (const auto& out : spec.outputs)
    if (!out.weekly() && std::find(names.begin(), names.end(), out.indicator) == names.end())
      names.push_back(out.indicator);
  const an::RunFile run = an::run_in_memory(recorder);
  const an::IndicatorTable table = names.empty()
                                       ? an::IndicatorTable{}
                                       : an::compute_indicators(run, an::Grouping::kRegion, names);
  const std::vector<an::Group> groups = an::make_groups(run, an::Grouping::kRegion);
  std::vector<double> y;
  for (const auto& out : spec.outputs) {
    if (!out.weekly()) {
      const auto v = an::find_replicates(table, out.indicator, out.group, out.year);
      if (!v)
        throw std::runtime_error("output " + out.name() +
                                 ": the run has no such group or year (check group and year)");
      y.push_back((*v)[0]);
      continue;
    }
    const auto g = std::find_if(groups.begin(), groups.end(),
                                [&](const an::Group& x) { return x.name == out.group; });
    if (g == groups.end()) throw std::runtime_error("output " + out.name() + ": no such group");
    const std::vector<double> series = run.read_series(out.series);  // [1][week][employer]
    const std::size_t E = run.employers();
    for (std::size_t w = 0; w < run.weeks(); ++w) {
      double sum = 0;
      for (std::size_t e : g->members) sum += series[w * E + e];
      y.push_back(sum);
    }
  }
  return y;
}

}  // namespace pledgesim::app
