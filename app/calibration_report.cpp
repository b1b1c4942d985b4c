// The tables and files a calibration or a backtest produces
// (app/calibration.hpp).
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "app/calibration.hpp"
#include "sim/core/input_error.hpp"

namespace pledgesim::app {

namespace an = pledgesim::analysis;

namespace {

std::string format(const char* fmt, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

std::string prior_text(const CalibrationParameter& p) {
  if (p.prior_mean && p.prior_sd)
    return format("normal(%.4g, %.4g) in [%g, %g]", *p.prior_mean, *p.prior_sd, p.min, p.max);
  return format("uniform [%g, %g]", p.min, p.max);
}

void parameter_table(std::ostringstream& out, const CalibrationSpec& spec,
                     const CalibrationResult& r) {
  const auto& post = r.posterior;
  out << "| parameter | prior | start | best fit |"
      << (post ? " posterior median | 90% interval | identified |\n|---|---|---|---|---|---|---|\n"
               : "\n|---|---|---|---|\n");
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    const auto& p = spec.parameters[k];
    out << format("| `%s` | %s | %.4g | %.4g |", p.key.c_str(), prior_text(p).c_str(),
                  r.start.values[k], r.best.values[k]);
    if (post) {
      const auto& q = post->parameters[k];
      out << format(
          " %.4g | %.4g to %.4g | %s |", q.median, q.lo90, q.hi90,
          q.poorly_identified()
              ? format("poorly (%.0f%% of the prior's width)", 100 * q.width_ratio).c_str()
              : format("yes (%.0f%% of the prior's width)", 100 * q.width_ratio).c_str());
    }
    out << '\n';
  }
}

void target_table(std::ostringstream& out, const CalibrationResult& r) {
  const auto& post = r.posterior;
  out << "\n| target | group | year | observed | best fit |"
      << (post ? " posterior mean (90% interval) | 90% prediction of the observed | source |\n"
                 "|---|---|---|---|---|---|---|---|\n"
               : " 90% interval (replications) | source |\n|---|---|---|---|---|---|---|\n");
  for (std::size_t k = 0; k < r.best.fits.size(); ++k) {
    const TargetFit& f = r.best.fits[k];
    out << format("| %s%s | %s | %d | %.1f | %.1f |", f.target.indicator.c_str(),
                  f.target.fitted ? "" : " (held out)", f.target.group.c_str(), f.target.year,
                  f.target.observed, f.mean);
    if (post) {
      const TargetPrediction& p = post->targets[k];
      out << format(" %.1f (%.1f to %.1f) | %.1f to %.1f%s |", p.mean, p.lo90, p.hi90,
                    p.observed_lo90, p.observed_hi90, p.covers() ? "" : " (misses)");
    } else {
      out << format(" %.1f to %.1f |", f.lo90, f.hi90);
    }
    out << ' ' << f.target.source << " |\n";
  }
}

void convergence_report(std::ostringstream& out, const CalibrationSpec& spec,
                        const CalibrationResult& r) {
  out << format(
      "\nOptimiser: chi^2 (sum of squared misses in sigma units) %.4g at the start, %.4g at the "
      "best fit, after %d evaluations of %zu replications each; %s.\n",
      r.start.objective, r.best.objective, r.evaluations, spec.replications,
      r.converged ? "converged"
      : r.flat    ? "NOT converged: the objective is flat (see the warning above)"
                  : "not converged (see the stages)");
  for (const auto& s : r.stages)
    out << format("- %s: %d evaluations, best %.4g, stopped: %s\n", s.name.c_str(), s.evaluations,
                  s.best, s.stop.c_str());
  if (!r.trace.empty()) {
    out << "- best so far after";
    double best = r.trace.front();
    std::size_t next = 1;
    for (std::size_t i = 0; i < r.trace.size(); ++i) {
      best = std::min(best, r.trace[i]);
      if (i + 1 == next || i + 1 == r.trace.size()) {
        out << format(" %zu: %.4g;", i + 1, best);
        next *= 4;
      }
    }
    out << '\n';
  }
  if (r.misfit_scale > 1)
    out << format(
        "\nMisfit: the best fit misses by more than the targets' sigmas allow (chi^2 per degree "
        "of freedom %.3g), so every sigma is scaled by %.3g before sampling the posterior.\n",
        r.misfit_scale * r.misfit_scale, r.misfit_scale);
  if (!r.posterior) return;
  const PosteriorResult& p = *r.posterior;
  out << format(
      "\nPosterior: %zu parameter sets by sequential Monte Carlo, %ld evaluations; %s.\n\n",
      p.ensemble.sets.size(), p.evaluations,
      p.reached ? "reached the posterior (temperature 1)"
                : "NOT reached: the budget ran out first (posterior.max_evaluations); the "
                  "ensemble is wider than the posterior");
  out << "| step | temperature | effective sample size | Metropolis steps | acceptance | "
         "evaluations |\n|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < p.stages.size(); ++i) {
    const auto& s = p.stages[i];
    out << format("| %zu | %.4g | %.0f | %d | %.2f | %ld |\n", i + 1, s.temperature, s.ess, s.moves,
                  s.acceptance, s.evaluations);
  }
  std::size_t covered = 0, fitted = 0;
  for (std::size_t k = 0; k < p.targets.size(); ++k)
    if (r.best.fits[k].target.fitted) fitted++, covered += p.targets[k].covers();
  out << format("\n%zu of %zu fitted targets lie within their 90%% prediction interval.\n", covered,
                fitted);
}

}  // namespace

std::string calibration_warning(const CalibrationResult& r) {
  if (!r.flat || r.trace.empty()) return {};
  const auto [lo, hi] = std::minmax_element(r.trace.begin(), r.trace.end());
  return format(
      "objective flat: every evaluation gave the same chi-square (%.10g to %.10g over %d "
      "evaluations, less than %g of its size apart): the targets cannot move the parameters, and "
      "the best fit is no better than the start. Look for a target whose sd is tiny beside the "
      "others' or whose observed value lies far beyond anything the model produces.",
      *lo, *hi, r.evaluations, an::BoxOptimiserOptions{}.value_tolerance);
}

std::string format_fit_table(const CalibrationSpec& spec, const CalibrationResult& r) {
  std::ostringstream out;
  if (const std::string w = calibration_warning(r); !w.empty()) out << "Warning: " << w << "\n\n";
  parameter_table(out, spec, r);
  target_table(out, r);
  convergence_report(out, spec, r);
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
  fit.insert("flat", r.flat);
  if (const std::string w = calibration_warning(r); !w.empty()) fit.insert("warning", w);
  fit.insert("objective_start", r.start.objective);
  fit.insert("objective", r.best.objective);
  fit.insert("misfit_scale", r.misfit_scale);
  toml::array stages;
  for (const auto& s : r.stages) {
    toml::table t;
    t.insert("name", s.name);
    t.insert("evaluations", s.evaluations);
    t.insert("best", s.best);
    t.insert("stopped", s.stop);
    stages.push_back(std::move(t));
  }
  fit.insert("stages", std::move(stages));
  toml::array trace;
  for (double v : r.trace) trace.push_back(v);
  fit.insert("trace", std::move(trace));
  root.insert("fit", std::move(fit));
  // Best-fit values nested as in a scenario file ([behaviour] exit_rate_per_year = ...).
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
  if (r.posterior) {
    toml::table post;
    post.insert("sets", static_cast<std::int64_t>(r.posterior->ensemble.sets.size()));
    post.insert("evaluations", r.posterior->evaluations);
    post.insert("reached", r.posterior->reached);
    toml::array params;
    for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
      const auto& q = r.posterior->parameters[k];
      toml::table t;
      t.insert("key", spec.parameters[k].key);
      t.insert("mean", q.mean);
      t.insert("median", q.median);
      t.insert("lo90", q.lo90);
      t.insert("hi90", q.hi90);
      t.insert("prior_lo90", q.prior_lo90);
      t.insert("prior_hi90", q.prior_hi90);
      t.insert("poorly_identified", q.poorly_identified());
      params.push_back(std::move(t));
    }
    post.insert("parameters", std::move(params));
    root.insert("posterior", std::move(post));
  }
  toml::array targets;
  for (std::size_t k = 0; k < r.best.fits.size(); ++k) {
    const TargetFit& f = r.best.fits[k];
    toml::table t;
    t.insert("indicator", f.target.indicator);
    t.insert("group", f.target.group);
    t.insert("year", f.target.year);
    t.insert("observed", f.target.observed);
    t.insert("fitted", f.target.fitted);
    if (k < r.sigma.size()) t.insert("sigma", r.sigma[k]);
    t.insert("simulated_mean", f.mean);
    t.insert("contribution", f.contribution);
    if (r.posterior) {
      const TargetPrediction& p = r.posterior->targets[k];
      t.insert("posterior_mean", p.mean);
      t.insert("posterior_lo90", p.lo90);
      t.insert("posterior_hi90", p.hi90);
      t.insert("observed_lo90", p.observed_lo90);
      t.insert("observed_hi90", p.observed_hi90);
    }
    if (!f.target.source.empty()) t.insert("source", f.target.source);
    targets.push_back(std::move(t));
  }
  root.insert("targets", std::move(targets));
  std::ostringstream out;
  out << "# pledgesim calibration result: the [fitted] tables (the best fit) can be pasted into a "
         "scenario;\n# the posterior ensemble is in the CSV file beside it (run --parameters).\n"
      << toml::toml_formatter(root) << '\n';
  return out.str();
}

std::string calibration_ensemble_csv(const CalibrationSpec& spec, const CalibrationResult& r) {
  if (!r.posterior) return {};
  std::ostringstream comment;
  comment << "pledgesim calibrate " << spec.file.string() << ": posterior sample, "
          << r.posterior->ensemble.sets.size() << " equally weighted sets ("
          << (r.posterior->reached ? "posterior reached" : "budget ran out before the posterior")
          << ")\nscenario: "
          << (spec.scenario.empty() ? std::string("<built-in>") : spec.scenario.string())
          << "; seed " << spec.seed << "; use with: pledgesim run SCENARIO --parameters FILE";
  return models::parameter_ensemble_csv(r.posterior->ensemble, comment.str());
}

CalibrationSpec backtest_spec(CalibrationSpec spec, int fit_until) {
  std::size_t fitted = 0;
  for (auto& t : spec.targets) fitted += t.fitted = t.year <= fit_until;
  if (fitted == 0)
    throw sim::InputError("--fit-until " + std::to_string(fit_until) +
                          ": no target of the targets file is in or before that year");
  if (fitted == spec.targets.size())
    throw sim::InputError("--fit-until " + std::to_string(fit_until) +
                          ": every target is in or before that year; nothing is left to predict");
  if (spec.posterior.particles == 0) spec.posterior.particles = PosteriorSettings{}.particles;
  return spec;
}

std::string format_backtest_table(const CalibrationSpec& spec, const CalibrationResult& r) {
  std::ostringstream out;
  if (!r.posterior) return out.str();
  out << "| held-out target | group | year | observed | predicted | error | 90% prediction "
         "interval | covered |\n|---|---|---|---|---|---|---|---|\n";
  // Errors are summarised in each target's own units: percentage points for
  // rates, per cent of the observed value for levels (FTE, cases).
  double rate_abs = 0, largest_rate = 0, level_rel = 0;
  std::size_t held = 0, covered = 0, rates = 0, rates_within_2pp = 0, levels = 0;
  for (std::size_t k = 0; k < spec.targets.size(); ++k) {
    const CalibrationTarget& t = spec.targets[k];
    if (t.fitted) continue;
    const TargetPrediction& p = r.posterior->targets[k];
    const double error = p.mean - t.observed;
    ++held;
    covered += p.covers();
    if (t.indicator.ends_with("_rate")) {
      ++rates;
      rate_abs += std::abs(error);
      largest_rate = std::max(largest_rate, std::abs(error));
      rates_within_2pp += std::abs(error) <= 2.0;
    } else if (t.observed != 0) {
      ++levels;
      level_rel += std::abs(error / t.observed);
    }
    out << format("| %s | %s | %d | %.1f | %.1f | %+.1f | %.1f to %.1f | %s |\n",
                  t.indicator.c_str(), t.group.c_str(), t.year, t.observed, p.mean, error,
                  p.observed_lo90, p.observed_hi90, p.covers() ? "yes" : "no");
  }
  out << format(
      "\nHeld out: %zu targets; %zu of %zu (%.0f%%) within their 90%% prediction "
      "interval.\n",
      held, covered, held, 100.0 * static_cast<double>(covered) / static_cast<double>(held));
  if (rates > 0)
    out << format("Rates: mean absolute error %.2f pp, largest %.2f pp; %zu of %zu within 2 pp.\n",
                  rate_abs / static_cast<double>(rates), largest_rate, rates_within_2pp, rates);
  if (levels > 0)
    out << format(
        "Levels (FTE, starters, leavers, caseload): mean absolute error %.1f%% of the "
        "observed value.\n",
        100.0 * level_rel / static_cast<double>(levels));
  return out.str();
}

}  // namespace pledgesim::app
