#include "app/calibration.hpp"

#include <unistd.h>

#include <toml++/toml.h>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "analysis/cpp/indicators.hpp"
#include "analysis/cpp/intervals.hpp"
#include "analysis/cpp/nelder_mead.hpp"
#include "analysis/cpp/run_memory.hpp"
#include "app/toml_checker.hpp"
#include "models/runner.hpp"
#include "models/scenario.hpp"
#include "models/scenario_schema.hpp"

namespace pledgesim::app {

namespace fs = std::filesystem;
namespace an = pledgesim::analysis;
using models::ScenarioIssue;

namespace {

// Reads a targets file, collecting every problem as file:line: key: message.
class SpecReader : public TomlChecker {
 public:
  explicit SpecReader(const fs::path& file) : TomlChecker(file.string()) {}

  CalibrationSpec read(const toml::table& root, const fs::path& file) {
    CalibrationSpec spec;
    spec.file = file;
    const std::vector<std::string> known = {"scenario",        "years",      "seed",
                                            "replications",    "parameters", "targets",
                                            "max_evaluations", "description"};
    unknown_fields(root, "", known);
    read_run_keys(root, file, spec.scenario, spec.years, spec.seed);
    if (const auto* n = root.get("replications"))
      spec.replications = integer(*n, "replications", 2, 1000);
    if (const auto* n = root.get("max_evaluations"))
      spec.max_evaluations = static_cast<int>(integer(*n, "max_evaluations", 1, 100000));
    read_parameters(root, spec);
    read_targets(root, spec);
    return spec;
  }

 private:
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
      unknown_fields(t, where, {"key", "min", "max", "start", "note"});
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
      for (const auto& q : spec.parameters)
        if (q.key == p.key) issue(key, where + ".key", "listed twice");
      spec.parameters.push_back(p);
    });
  }

  void read_targets(const toml::table& root, CalibrationSpec& spec) {
    std::vector<std::string> names;
    for (const auto& d : an::indicator_defs()) names.push_back(d.name);
    each_table(root, "targets", [&](const toml::table& t, const std::string& where) {
      unknown_fields(t, where, {"indicator", "group", "year", "observed", "sd", "source"});
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
      if (auto v = number(t, "observed", where, true)) g.observed = *v;
      if (auto v = number(t, "sd", where, false)) {
        if (*v <= 0)
          issue(t.get("sd"), where + ".sd", "must be positive");
        else
          g.sd = *v;
      }
      if (const toml::node* s = t.get("source")) g.source = s->value_or(std::string());
      spec.targets.push_back(g);
    });
  }

  static const models::ParamDef* find_param(const std::string& key) {
    return models::param_form(key);
  }
};

models::Scenario load_base(const CalibrationSpec& spec, const models::ScenarioFiles& files) {
  return spec.scenario.empty() ? models::builtin_default_scenario()
                               : models::load_scenario_file(spec.scenario, {}, files);
}

double scenario_value(models::Scenario s, const std::string& key) {
  if (const models::ParamDef* p = models::find_param(key, s))
    return std::visit([](auto* v) { return static_cast<double>(*v); }, p->target(s));
  return 0;
}

// Sets a numeric key (calibration accepts floating-point keys only).
void set_scenario_value(models::Scenario& s, const std::string& key, double value) {
  if (const models::ParamDef* p = models::find_param(key, s)) {
    *std::get<double*>(p->target(s)) = value;
    return;
  }
  throw std::logic_error("calibration parameter " + key + " is not a scenario key");
}

}  // namespace

namespace {

const std::string kTargetsHeading = "invalid targets file";

CalibrationSpec read_calibration_spec(const std::string& text, const fs::path& file,
                                      const models::ScenarioFiles& files) {
  const toml::table root = parse_toml_text(text, file);
  SpecReader reader(file);
  CalibrationSpec spec = reader.read(root, file);
  if (!reader.issues().empty()) throw models::ScenarioError(reader.issues());
  // A scenario that cannot be read is this file's problem (its `scenario` line).
  if (!spec.scenario.empty() && !files.read(spec.scenario))
    throw models::ScenarioError(
        {{file.string(), root["scenario"].node()->source().begin.line, "scenario",
          "scenario file '" + spec.scenario.string() + "' cannot be opened"}});
  // The scenario must load, and integer keys cannot be fitted by a continuous search.
  models::Scenario base = load_base(spec, files);
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

CalibrationPoint evaluate_point(const CalibrationSpec& spec, const models::Scenario& base,
                                const std::vector<double>& values, std::size_t threads) {
  models::Scenario scenario = base;
  for (std::size_t k = 0; k < values.size(); ++k)
    set_scenario_value(scenario, spec.parameters[k].key, values[k]);
  sim::MemoryRecorder recorder;
  models::RunSettings settings;
  settings.replications = spec.replications;
  settings.threads = threads;
  if (models::run_scenario(scenario, recorder, settings).status !=
      models::RunOutcome::Status::kCompleted)
    throw CalibrationInterrupted();

  std::vector<std::string> names;
  for (const auto& t : spec.targets)
    if (std::find(names.begin(), names.end(), t.indicator) == names.end())
      names.push_back(t.indicator);
  const an::IndicatorTable table =
      an::compute_indicators(an::run_in_memory(recorder), an::Grouping::kRegion, names);

  CalibrationPoint point;
  point.values = values;
  for (const auto& t : spec.targets) {
    TargetFit fit;
    fit.target = t;
    const auto values = an::find_replicates(table, t.indicator, t.group, t.year);
    if (!values)
      throw std::runtime_error("target " + t.indicator + " / " + t.group + " / " +
                               std::to_string(t.year) + " is not in the run (group or year)");
    const an::Interval iv = an::mean_interval(*values);
    fit.mean = iv.mean, fit.lo90 = iv.lo, fit.hi90 = iv.hi;
    fit.contribution = std::pow((iv.mean - t.observed) / t.sd, 2);
    if (!std::isfinite(fit.contribution)) fit.contribution = 1e6;  // e.g. a 0/0 rate
    point.objective += fit.contribution;
    point.fits.push_back(fit);
  }
  return point;
}

CalibrationResult calibrate(const CalibrationSpec& spec, std::size_t threads,
                            const CalibrationProgress& progress) {
  const models::Scenario base = calibration_base(spec);
  const auto n = static_cast<Eigen::Index>(spec.parameters.size());
  Eigen::VectorXd start(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const auto& p = spec.parameters[static_cast<std::size_t>(k)];
    const double x = p.start.value_or(std::clamp(scenario_value(base, p.key), p.min, p.max));
    start(k) = (x - p.min) / (p.max - p.min);
  }
  auto to_values = [&](const Eigen::VectorXd& u) {
    std::vector<double> v;
    for (Eigen::Index k = 0; k < n; ++k) {
      const auto& p = spec.parameters[static_cast<std::size_t>(k)];
      v.push_back(p.min + u(k) * (p.max - p.min));
    }
    return v;
  };
  CalibrationResult result;
  int evaluation = 0;
  bool first = true;
  const an::Objective f = [&](const Eigen::VectorXd& u) {
    const CalibrationPoint point = evaluate_point(spec, base, to_values(u), threads);
    if (first) result.start = point, result.best = point, first = false;
    if (point.objective < result.best.objective) result.best = point;
    if (progress) progress(++evaluation, point, result.best);
    return point.objective;
  };
  an::NelderMeadOptions options;
  options.max_evaluations = spec.max_evaluations;
  const an::NelderMeadResult nm = an::minimise_in_unit_box(f, start, options);
  result.evaluations = nm.evaluations;
  result.converged = nm.converged;
  return result;
}

std::string format_fit_table(const CalibrationSpec& spec, const CalibrationResult& r) {
  std::ostringstream out;
  char buf[256];
  out << "| parameter | start | fitted | bounds |\n|---|---|---|---|\n";
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    const auto& p = spec.parameters[k];
    std::snprintf(buf, sizeof buf, "| `%s` | %.4g | %.4g | [%g, %g] |\n", p.key.c_str(),
                  r.start.values[k], r.best.values[k], p.min, p.max);
    out << buf;
  }
  out << "\n| target | group | year | observed | simulated mean | 90% interval | source |\n"
      << "|---|---|---|---|---|---|---|\n";
  for (const auto& f : r.best.fits) {
    std::snprintf(buf, sizeof buf, "| %s | %s | %d | %.1f | %.1f | %.1f to %.1f | %s |\n",
                  f.target.indicator.c_str(), f.target.group.c_str(), f.target.year,
                  f.target.observed, f.mean, f.lo90, f.hi90, f.target.source.c_str());
    out << buf;
  }
  std::snprintf(buf, sizeof buf,
                "\nObjective (sum of squared misses in sd units): %.3g at the start, %.3g fitted; "
                "%d evaluations of %zu replications each%s.\n",
                r.start.objective, r.best.objective, r.evaluations, spec.replications,
                r.converged ? "" : " (stopped at max_evaluations)");
  out << buf;
  return out.str();
}

std::string calibration_result_toml(const CalibrationSpec& spec, const CalibrationResult& r) {
  toml::table root;
  toml::table fit;
  fit.insert("targets_file", spec.file.string());
  fit.insert("scenario",
             spec.scenario.empty() ? std::string("<built-in>") : spec.scenario.string());
  fit.insert("seed", static_cast<std::int64_t>(spec.seed));
  fit.insert("replications", static_cast<std::int64_t>(spec.replications));
  fit.insert("evaluations", r.evaluations);
  fit.insert("converged", r.converged);
  fit.insert("objective_start", r.start.objective);
  fit.insert("objective", r.best.objective);
  root.insert("fit", std::move(fit));
  // Fitted values nested as in a scenario file ([behaviour] exit_rate_per_year = ...).
  toml::table fitted;
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    toml::table* t = &fitted;
    std::string path = spec.parameters[k].key;
    for (std::size_t dot; (dot = path.find('.')) != std::string::npos;) {
      const std::string part = path.substr(0, dot);
      path = path.substr(dot + 1);
      if (!t->contains(part)) t->insert(part, toml::table{});
      t = t->get(part)->as_table();
    }
    t->insert(path, r.best.values[k]);
  }
  root.insert("fitted", std::move(fitted));
  toml::array targets;
  for (const auto& f : r.best.fits) {
    toml::table t;
    t.insert("indicator", f.target.indicator);
    t.insert("group", f.target.group);
    t.insert("year", f.target.year);
    t.insert("observed", f.target.observed);
    t.insert("sd", f.target.sd);
    t.insert("simulated_mean", f.mean);
    if (std::isfinite(f.lo90)) t.insert("lo90", f.lo90);
    if (std::isfinite(f.hi90)) t.insert("hi90", f.hi90);
    t.insert("contribution", f.contribution);
    if (!f.target.source.empty()) t.insert("source", f.target.source);
    targets.push_back(std::move(t));
  }
  root.insert("targets", std::move(targets));
  std::ostringstream out;
  out << "# pledgesim calibration result: the [fitted] tables can be pasted into a scenario.\n"
      << toml::toml_formatter(root) << '\n';
  return out.str();
}

}  // namespace pledgesim::app
