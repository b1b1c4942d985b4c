// Bounded derivative-free minimisation in two stages, both from NLopt: a
// global search (controlled random search with local mutation, CRS2-LM,
// Kaelo and Ali 2006) over the whole box, then a local one (Subplex by
// default, robust to the small steps a simulated objective takes) from the
// best point found. Callers map their bounded parameters onto the unit box
// [0, 1]^n. Deterministic: NLopt's random numbers are seeded from `seed`.
//
// NLopt calls the objective one point at a time; a simulated objective uses
// the cores inside each evaluation (its replications run in parallel).
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pledgesim::analysis {

using Objective = std::function<double(const Eigen::VectorXd&)>;

struct BoxOptimiserOptions {
  int global_evaluations = 200;  // 0: skip the global stage
  int local_evaluations = 200;
  std::string local_method = "sbplx";  // "sbplx", "bobyqa" or "neldermead" (NLopt's)
  double value_tolerance = 1e-6;       // local stop: relative change of the objective
  double point_tolerance = 1e-4;       // local stop: change of the point, in box units
  std::uint64_t seed = 1;
};

struct OptimiserStage {
  std::string name;  // "global (CRS2-LM)", "local (Subplex)"
  int evaluations = 0;
  double best = 0;   // best value at the end of the stage
  std::string stop;  // NLopt's stopping reason, in words
};

struct BoxOptimiserResult {
  Eigen::VectorXd best;  // in the unit box
  double value = 0;
  int evaluations = 0;
  // The local stage met a tolerance before its budget ran out, and the
  // objective was not flat (a flat objective meets every tolerance at once).
  bool converged = false;
  // Every evaluation gave the same value, to within value_tolerance relative
  // to its size: nothing the optimiser tried moved the objective, so its
  // point says nothing (and is never reported converged).
  bool flat = false;
  std::vector<OptimiserStage> stages;
  std::vector<double> trace;  // the objective at every evaluation, in order
};

BoxOptimiserResult minimise_in_unit_box(const Objective& f, const Eigen::VectorXd& start,
                                        const BoxOptimiserOptions& options = {});

}  // namespace pledgesim::analysis
