// Reading and checking a calibration targets file (app/calibration.hpp).
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "analysis/cpp/indicators.hpp"
#include "analysis/cpp/periods.hpp"
#include "app/calibration.hpp"
#include "app/toml_checker.hpp"
#include "models/scenario.hpp"
#include "models/scenario_schema.hpp"
#include "sim/core/calendar.hpp"

namespace pledgesim::app {

namespace fs = std::filesystem;
namespace an = pledgesim::analysis;
using models::ScenarioIssue;

namespace {

std::string num(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

// The smallest sd a target may have, in the indicator's units. sd is how far
// the model may honestly miss the figure: a simulation's replications differ
// by far more than 0.01% of a figure or 0.01 of its unit (a hundredth of a
// percentage point, FTE, case, year or pound), and no figure of this kind is
// published finer (DfE: rates and FTE to one decimal). A tighter target
// dwarfs every other one in chi^2, and two that the model always gives
// equal (London and "all" when every authority is in London) leave chi^2 a
// constant to within the optimiser's tolerance: the fit cannot move.
double sd_floor(double observed) {
  return std::max(0.01, 1e-4 * std::abs(observed));
}

// Observed values no group can take: a share in per cent outside [0, 100], a
// negative level (everything but agency_premium_gbp, a difference of pay).
std::string impossible_observed(const an::IndicatorDef& d, double observed) {
  if (d.units == "%" && (observed < 0 || observed > 100))
    return num(observed) + " is outside [0, 100]: " + d.name + " is a rate in per cent";
  if (d.units != "%" && d.name != "agency_premium_gbp" && observed < 0)
    return num(observed) + " is negative: " + d.name + " (" + d.units + ") is at least 0";
  return {};
}

// Reads a targets file, collecting every problem as file:line: key: message.
class SpecReader : public TomlChecker {
 public:
  explicit SpecReader(const fs::path& file) : TomlChecker(file.string()) {}

  CalibrationSpec read(const toml::table& root, const fs::path& file) {
    CalibrationSpec spec;
    spec.file = file;
    const std::vector<std::string> known = {
        "scenario",          "years",           "seed",        "replications", "parameters",
        "targets",           "max_evaluations", "description", "optimiser",    "posterior",
        "noise_replications"};
    unknown_fields(root, "", known);
    read_run_keys(root, file, spec.scenario, spec.years, spec.seed);
    if (const auto* n = root.get("replications"))
      spec.replications = integer(*n, "replications", 2, 1000);
    if (const auto* n = root.get("max_evaluations"))
      spec.max_evaluations = static_cast<int>(integer(*n, "max_evaluations", 1, 100000));
    if (const auto* n = root.get("noise_replications"))
      spec.noise_replications =
          static_cast<std::size_t>(integer(*n, "noise_replications", 2, 1000));
    read_optimiser(root, spec);
    read_posterior(root, spec);
    read_parameters(root, spec);
    read_targets(root, spec);
    return spec;
  }

 private:
  const toml::table* subtable(const toml::table& root, const std::string& name,
                              const std::vector<std::string>& fields) {
    const toml::node* n = root.get(name);
    if (!n) return nullptr;
    const toml::table* t = n->as_table();
    if (!t) {
      issue(n, name, "expected a table");
      return nullptr;
    }
    unknown_fields(*t, name, fields);
    return t;
  }

  void read_optimiser(const toml::table& root, CalibrationSpec& spec) {
    const toml::table* t = subtable(root, "optimiser", {"local_method"});
    if (!t) return;
    if (const toml::node* m = t->get("local_method")) {
      const auto name = m->value<std::string>();
      if (name && (*name == "sbplx" || *name == "bobyqa" || *name == "neldermead"))
        spec.local_method = *name;
      else
        issue(m, "optimiser.local_method", "expected \"sbplx\", \"bobyqa\" or \"neldermead\"");
    }
  }

  void read_posterior(const toml::table& root, CalibrationSpec& spec) {
    const toml::table* t = subtable(root, "posterior",
                                    {"particles", "max_evaluations", "ess_fraction", "min_moves",
                                     "max_moves", "scale_for_misfit"});
    if (!t) return;
    PosteriorSettings& p = spec.posterior;
    if (const auto* n = t->get("particles")) {
      p.particles = static_cast<std::size_t>(integer(*n, "posterior.particles", 0, 100000));
      if (p.particles == 1)
        issue(n, "posterior.particles", "must be 0 (no posterior) or at least 2");
    }
    if (const auto* n = t->get("max_evaluations"))
      p.max_evaluations = integer(*n, "posterior.max_evaluations", 1, 1e8);
    if (const auto v = number(*t, "ess_fraction", "posterior", false)) {
      if (*v <= 0.05 || *v >= 0.99)
        issue(t->get("ess_fraction"), "posterior.ess_fraction", "must lie in (0.05, 0.99)");
      else
        p.ess_fraction = *v;
    }
    if (const auto* n = t->get("min_moves"))
      p.min_moves = static_cast<int>(integer(*n, "posterior.min_moves", 1, 100));
    if (const auto* n = t->get("max_moves"))
      p.max_moves = static_cast<int>(integer(*n, "posterior.max_moves", 1, 100));
    if (p.max_moves < p.min_moves)
      issue(t->get("max_moves"), "posterior.max_moves", "must be at least min_moves");
    if (p.particles > 0 && p.max_evaluations < static_cast<long>(p.particles))
      issue(t->get("max_evaluations"), "posterior.max_evaluations",
            "must be at least posterior.particles (the first evaluations draw them)");
    if (const toml::node* n = t->get("scale_for_misfit")) {
      if (const auto b = n->value<bool>())
        p.scale_for_misfit = *b;
      else
        issue(n, "posterior.scale_for_misfit", "expected true or false");
    }
  }

  std::optional<double> number(const toml::table& t, const std::string& field,
                               const std::string& where, bool required) {
    const toml::node* n = t.get(field);
    if (!n) {
      if (required) issue(&t, where + "." + field, "missing");
      return std::nullopt;
    }
    const auto v = n->value<double>();
    if (!v || !std::isfinite(*v)) {
      issue(n, where + "." + field, "expected a number");
      return std::nullopt;
    }
    return v;
  }
  void read_parameters(const toml::table& root, CalibrationSpec& spec) {
    std::vector<std::string> keys;
    for (const auto& p : models::scenario_params()) keys.push_back(p.key);
    each_table(root, "parameters", [&](const toml::table& t, const std::string& where) {
      unknown_fields(t, where,
                     {"key", "min", "max", "start", "note", "prior_mean", "prior_sd", "source"});
      CalibrationParameter p;
      const toml::node* key = t.get("key");
      const auto name = key ? key->value<std::string>() : std::nullopt;
      const auto* def = find_param(name ? *name : "");
      if (!def) {
        issue(key ? key : &t, where + ".key",
              name ? "not a numeric scenario key: '" + *name + "'" + hint(*name, keys)
                   : std::string("missing: a scenario key such as behaviour.exit_rate_per_year"));
        return;
      }
      p.key = *name;
      const auto lo = number(t, "min", where, true), hi = number(t, "max", where, true);
      p.start = number(t, "start", where, false);
      if (!lo || !hi) return;
      p.min = *lo, p.max = *hi;
      if (!(p.min < p.max))
        issue(t.get("max"), where + ".max", "must be above min");
      else if (p.min < def->min || p.max > def->max) {
        std::ostringstream m;
        m << "bounds must lie within the key's range [" << def->min << ", " << def->max << "]";
        issue(t.get("min"), where + ".min", m.str());
      }
      if (p.start && (*p.start < p.min || *p.start > p.max))
        issue(t.get("start"), where + ".start", "must lie within [min, max]");
      p.prior_mean = number(t, "prior_mean", where, false);
      p.prior_sd = number(t, "prior_sd", where, false);
      if (p.prior_mean.has_value() != p.prior_sd.has_value())
        issue(&t, where + (p.prior_mean ? ".prior_sd" : ".prior_mean"),
              "a normal prior needs both prior_mean and prior_sd");
      else if (p.prior_sd && *p.prior_sd <= 0)
        issue(t.get("prior_sd"), where + ".prior_sd", "must be positive");
      else if (p.prior_mean && (*p.prior_mean < p.min || *p.prior_mean > p.max))
        issue(t.get("prior_mean"), where + ".prior_mean", "must lie within [min, max]");
      if (const toml::node* s = t.get("source")) p.source = s->value_or(std::string());
      for (const auto& q : spec.parameters)
        if (q.key == p.key) issue(key, where + ".key", "listed twice");
      spec.parameters.push_back(p);
    });
  }

  void read_targets(const toml::table& root, CalibrationSpec& spec) {
    std::vector<std::string> names;
    for (const auto& d : an::indicator_defs()) names.push_back(d.name);
    each_table(root, "targets", [&](const toml::table& t, const std::string& where) {
      unknown_fields(t, where,
                     {"indicator", "group", "year", "observed", "sd", "rounding", "source"});
      CalibrationTarget g;
      const toml::node* ind = t.get("indicator");
      const auto name = ind ? ind->value<std::string>() : std::nullopt;
      if (!name || !an::find_indicator(*name)) {
        issue(ind ? ind : &t, where + ".indicator",
              name ? "unknown indicator '" + *name + "'" + hint(*name, names)
                   : std::string("missing"));
      } else {
        g.indicator = *name;
      }
      const toml::node* group = t.get("group");
      if (auto s = group ? group->value<std::string>() : std::nullopt)
        g.group = *s;
      else
        issue(group ? group : &t, where + ".group",
              "expected a group name such as \"London\" or \"Inner London\"");
      if (const toml::node* y = t.get("year"))
        g.year = static_cast<int>(integer(*y, where + ".year", 1900, 2200));
      else
        issue(&t, where + ".year", "missing");
      const auto observed = number(t, "observed", where, true);
      if (observed) g.observed = *observed;
      const an::IndicatorDef* def = an::find_indicator(g.indicator);
      bool possible = observed.has_value();
      if (observed && def)
        if (const std::string why = impossible_observed(*def, *observed); !why.empty())
          issue(t.get("observed"), where + ".observed", why), possible = false;
      if (auto v = number(t, "sd", where, false)) {
        if (*v <= 0)
          issue(t.get("sd"), where + ".sd", "must be positive");
        else
          g.sd = *v;
      }
      if (possible && g.sd > 0 && g.sd < sd_floor(*observed))
        issue(t.get("sd") ? t.get("sd") : &t, where + ".sd",
              num(g.sd) + (t.get("sd") ? "" : " (the default)") + " is below " +
                  num(sd_floor(*observed)) +
                  ", the smallest sd a target may have (0.01 in the indicator's units or 0.01% "
                  "of the observed value, the larger): no model reproduces a figure more "
                  "closely, and so tight a target leaves the fit nothing to move");
      if (auto v = number(t, "rounding", where, false)) {
        if (*v < 0)
          issue(t.get("rounding"), where + ".rounding", "must not be negative");
        else
          g.rounding = *v;
      }
      if (const toml::node* s = t.get("source")) g.source = s->value_or(std::string());
      spec.targets.push_back(g);
      target_tables_.push_back(&t);
    });
  }

 public:
  // The checks that need the scenario: each target's year must be one the
  // run reports, its group one of the scenario's, and a level within reach
  // of the scenario's size. Found here, not after the first simulation.
  void check_targets(const models::Scenario& base, const CalibrationSpec& spec) {
    const std::int64_t years = spec.years.value_or(base.years);
    std::vector<std::string> dates;
    const sim::WeeklyClock clock(base.start);
    const std::int64_t weeks = clock.weeks_in_years(static_cast<int>(years));
    for (std::int64_t w = 0; w < weeks; ++w) dates.push_back(clock.week_start(w).iso());
    const std::string scenario = spec.scenario.empty()
                                     ? std::string("the built-in scenario")
                                     : "the scenario (" + spec.scenario.filename().string() + ")";
    const std::string runs = scenario + " runs " + std::to_string(years) + " year" +
                             (years == 1 ? "" : "s") + " from " + base.start.iso();

    std::vector<std::string> groups;
    double establishment = 0, caseload = 0;
    bool inner = false, outer = false;
    for (const auto& a : base.authorities) {
      if (std::find(groups.begin(), groups.end(), a.region) == groups.end())
        groups.push_back(a.region);
      if (a.region == "London") (a.inner_london ? inner : outer) = true;
      establishment += a.inpost_fte + a.vacancy_fte;
      caseload = std::max(caseload, a.caseload);
    }
    if (inner) groups.push_back("Inner London");
    if (outer) groups.push_back("Outer London");
    groups.push_back("all");

    for (std::size_t k = 0; k < spec.targets.size() && k < target_tables_.size(); ++k) {
      const CalibrationTarget& g = spec.targets[k];
      const toml::table& t = *target_tables_[k];
      const std::string where = "targets[" + std::to_string(k) + "]";
      const an::IndicatorDef* def = an::find_indicator(g.indicator);
      if (!def) continue;  // reported already
      // (Not when the year, or the run's years, is itself wrong: reported already.)
      if (t.get("year") && !reported(where + ".year") && !reported("years"))
        check_year(*def, g.year, t, where, dates, runs);
      if (!g.group.empty() && std::find(groups.begin(), groups.end(), g.group) == groups.end()) {
        std::string known;
        for (const auto& n : groups) known += (known.empty() ? "" : ", ") + n;
        issue(t.get("group"), where + ".group",
              "'" + g.group + "' is not a group of " + scenario + ": expected one of " + known +
                  hint(g.group, groups));
      }
      // A level far beyond the scenario's size is out of the model's reach:
      // chi^2 is then its miss alone, whatever the parameters.
      if (!t.get("observed")) continue;
      if ((def->units == "FTE" || def->units == "FTE-years") && g.observed > 100 * establishment)
        issue(t.get("observed"), where + ".observed",
              num(g.observed) + " is above " + num(100 * establishment) +
                  ", 100 times the establishment of " + scenario + " (" + num(establishment) +
                  " FTE in post or vacant at the start, all authorities)");
      else if (def->units == "cases per FTE" && caseload > 0 && g.observed > 100 * caseload)
        issue(t.get("observed"), where + ".observed",
              num(g.observed) + " is above " + num(100 * caseload) +
                  ", 100 times the largest caseload of " + scenario + " at the start (" +
                  num(caseload) + " cases per FTE)");
    }
    // In the file's order, whichever check found them.
    std::stable_sort(
        issues_.begin(), issues_.end(),
        [](const ScenarioIssue& a, const ScenarioIssue& b) { return a.line < b.line; });
  }

 private:
  bool reported(const std::string& key) const {
    return std::any_of(issues_.begin(), issues_.end(),
                       [&](const ScenarioIssue& i) { return i.key == key; });
  }

  void check_year(const an::IndicatorDef& def, int year, const toml::table& t,
                  const std::string& where, const std::vector<std::string>& dates,
                  const std::string& runs) {
    const std::vector<an::Period> periods = an::make_periods(dates, def.kind);
    for (const auto& p : periods)
      if (p.year == year) return;
    const bool september = def.kind == an::PeriodKind::kYearToSeptember;
    std::string reported =
        september ? "the years to 30 September " : "the financial years ending in March ";
    if (periods.empty())
      reported = september ? "no year to 30 September" : "no financial year";
    else
      reported +=
          std::to_string(periods.front().year) + " to " + std::to_string(periods.back().year);
    issue(t.get("year"), where + ".year",
          std::to_string(year) + " is not simulated: " + runs + " and reports " + reported +
              (september ? "" : " (" + def.name + " is a financial-year indicator)"));
  }

  std::vector<const toml::table*> target_tables_;  // spec.targets' tables, in order

  static const models::ParamDef* find_param(const std::string& key) {
    return models::param_form(key);
  }
};

models::Scenario load_base(const CalibrationSpec& spec, const models::ScenarioFiles& files) {
  return spec.scenario.empty() ? models::builtin_default_scenario()
                               : models::load_scenario_file(spec.scenario, {}, files);
}

}  // namespace

namespace {

const std::string kTargetsHeading = "invalid targets file";

CalibrationSpec read_calibration_spec(const std::string& text, const fs::path& file,
                                      const models::ScenarioFiles& files) {
  const toml::table root = parse_toml_text(text, file);
  SpecReader reader(file);
  CalibrationSpec spec = reader.read(root, file);
  const bool readable = spec.scenario.empty() || files.read(spec.scenario);
  if (!reader.issues().empty()) {
    // The targets' checks against the scenario too, so that every problem
    // is reported at once; a scenario that does not load waits its turn.
    if (readable) try {
        reader.check_targets(load_base(spec, files), spec);
      } catch (const std::exception&) {
      }
    throw models::ScenarioError(reader.issues());
  }
  // A scenario that cannot be read is this file's problem (its `scenario` line).
  if (!readable)
    throw models::ScenarioError(
        {{file.string(), root["scenario"].node()->source().begin.line, "scenario",
          "scenario file '" + spec.scenario.string() + "' cannot be opened"}});
  // The scenario must load, and integer keys cannot be fitted by a continuous search.
  models::Scenario base = load_base(spec, files);
  reader.check_targets(base, spec);
  if (!reader.issues().empty()) throw models::ScenarioError(reader.issues());
  for (const auto& p : spec.parameters) {
    const models::ParamDef* def = models::find_param(p.key, base);
    if (!def)  // a shock or region the scenario does not have
      throw models::ScenarioError(
          {{file.string(), 0, p.key,
            "names no shock, region or policy number of the scenario " +
                (spec.scenario.empty() ? std::string("(built-in)") : spec.scenario.string())}});
    if (!std::holds_alternative<double*>(def->target(base)))
      throw models::ScenarioError(
          {{file.string(), 0, p.key,
            "an integer key cannot be calibrated; fix it in the scenario"}});
  }
  return spec;
}

}  // namespace

CalibrationSpec parse_calibration_spec(const std::string& text, const fs::path& file,
                                       const models::ScenarioFiles& files) {
  return models::under_heading(kTargetsHeading,
                               [&] { return read_calibration_spec(text, file, files); });
}

CalibrationSpec load_calibration_spec(const fs::path& file) {
  return models::under_heading(kTargetsHeading, [&] {
    return read_calibration_spec(read_text_file(file, "targets file"), file, models::disk_files());
  });
}

models::Scenario calibration_base(const CalibrationSpec& spec) {
  std::vector<models::Override> overrides = {{"seed", std::to_string(spec.seed)}};
  if (spec.years) overrides.insert(overrides.begin(), {"years", std::to_string(*spec.years)});
  return spec.scenario.empty() ? models::builtin_default_scenario(overrides)
                               : models::load_scenario_file(spec.scenario, overrides);
}

}  // namespace pledgesim::app
