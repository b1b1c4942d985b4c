#include "analysis/cpp/box_optimiser.hpp"

#include <nlopt.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace pledgesim::analysis {

namespace {

constexpr std::string_view kConverged = " (converged)";

std::string stop_reason(nlopt::result r) {
  switch (r) {
    case nlopt::SUCCESS:
      return "success";
    case nlopt::STOPVAL_REACHED:
      return "objective reached its stop value";
    case nlopt::FTOL_REACHED:
      return "objective changed less than its tolerance";
    case nlopt::XTOL_REACHED:
      return "point moved less than its tolerance";
    case nlopt::MAXEVAL_REACHED:
      return "evaluation budget spent";
    case nlopt::MAXTIME_REACHED:
      return "time limit";
    case nlopt::ROUNDOFF_LIMITED:
      return "limited by round-off";
    case nlopt::FORCED_STOP:
      return "stopped";
    default:
      return "failed (NLopt code " + std::to_string(static_cast<int>(r)) + ")";
  }
}

nlopt::algorithm local_algorithm(const std::string& name) {
  if (name == "sbplx") return nlopt::LN_SBPLX;
  if (name == "bobyqa") return nlopt::LN_BOBYQA;
  if (name == "neldermead") return nlopt::LN_NELDERMEAD;
  throw std::invalid_argument("unknown local method '" + name +
                              "' (expected sbplx, bobyqa or neldermead)");
}

// Runs one NLopt stage; the objective's own exceptions (an interrupted
// simulation) pass through NLopt unchanged.
struct Stage {
  const Objective& f;
  BoxOptimiserResult& result;
  std::exception_ptr error;
  std::vector<double> x;
  double fx = std::numeric_limits<double>::infinity();

  static double call(unsigned n, const double* u, double*, void* data) {
    auto* s = static_cast<Stage*>(data);
    if (s->error) throw nlopt::forced_stop();  // some methods evaluate on after a stop
    try {
      const Eigen::VectorXd point = Eigen::Map<const Eigen::VectorXd>(u, n);
      double value = s->f(point);
      if (!std::isfinite(value)) value = std::numeric_limits<double>::max();
      s->result.trace.push_back(value);
      ++s->result.evaluations;
      if (value < s->result.value) s->result.value = value, s->result.best = point;
      return value;
    } catch (...) {
      s->error = std::current_exception();
      throw nlopt::forced_stop();
    }
  }

  OptimiserStage run(nlopt::algorithm algorithm, const std::string& name, int budget,
                     const BoxOptimiserOptions& o) {
    const unsigned n = static_cast<unsigned>(result.best.size());
    nlopt::opt opt(algorithm, n);
    opt.set_lower_bounds(std::vector<double>(n, 0.0));
    opt.set_upper_bounds(std::vector<double>(n, 1.0));
    opt.set_min_objective(&Stage::call, this);
    opt.set_maxeval(budget);
    if (algorithm != nlopt::GN_CRS2_LM) {
      opt.set_ftol_rel(o.value_tolerance);
      opt.set_xtol_abs(o.point_tolerance);
      opt.set_initial_step(0.1);
    }
    x.assign(result.best.data(), result.best.data() + n);
    const int before = result.evaluations;
    OptimiserStage stage;
    stage.name = name;
    nlopt::result r = nlopt::FAILURE;
    try {
      r = opt.optimize(x, fx);
    } catch (const nlopt::forced_stop&) {
      if (error) std::rethrow_exception(error);
      r = nlopt::FORCED_STOP;
    } catch (const nlopt::roundoff_limited&) {
      r = nlopt::ROUNDOFF_LIMITED;
    }
    if (error) std::rethrow_exception(error);
    stage.evaluations = result.evaluations - before;
    stage.best = result.value;
    stage.stop = stop_reason(r);
    if (r == nlopt::FTOL_REACHED || r == nlopt::XTOL_REACHED || r == nlopt::SUCCESS)
      stage.stop += kConverged;
    return stage;
  }
};

}  // namespace

BoxOptimiserResult minimise_in_unit_box(const Objective& f, const Eigen::VectorXd& start,
                                        const BoxOptimiserOptions& options) {
  BoxOptimiserResult result;
  result.best = start.cwiseMax(0.0).cwiseMin(1.0);
  result.value = std::numeric_limits<double>::infinity();
  nlopt::srand(options.seed);  // CRS2-LM's random points
  Stage stage{f, result, nullptr, {}, 0};
  // The start is evaluated first, so the result is never worse than it.
  Stage::call(static_cast<unsigned>(start.size()), result.best.data(), nullptr, &stage);
  if (stage.error) std::rethrow_exception(stage.error);
  if (options.global_evaluations > 0)
    result.stages.push_back(
        stage.run(nlopt::GN_CRS2_LM, "global (CRS2-LM)", options.global_evaluations, options));
  const nlopt::algorithm local = local_algorithm(options.local_method);
  if (options.local_evaluations > 0) {
    result.stages.push_back(stage.run(local, "local (" + options.local_method + ")",
                                      options.local_evaluations, options));
    result.converged = result.stages.back().stop.ends_with(kConverged);
  }
  // Flat: the whole trace within the local stage's relative tolerance. Such
  // an objective (one constant term dwarfing the rest, or every value
  // clamped) meets ftol and xtol at its first steps, wherever it starts.
  const auto [lo, hi] = std::minmax_element(result.trace.begin(), result.trace.end());
  result.flat = result.trace.size() > 1 &&
                *hi - *lo <= options.value_tolerance * std::max(std::abs(*lo), std::abs(*hi));
  if (result.flat) {
    result.converged = false;
    for (auto& s : result.stages)
      if (s.stop.ends_with(kConverged)) s.stop.resize(s.stop.size() - kConverged.size());
    if (!result.stages.empty())
      result.stages.back().stop += " (not converged: the objective is flat)";
  }
  return result;
}

}  // namespace pledgesim::analysis
