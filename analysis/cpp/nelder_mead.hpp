// Derivative-free minimisation by the Nelder-Mead simplex method (Nelder and
// Mead 1965; the coefficients of Gao and Han's standard form: reflection 1,
// expansion 2, contraction 1/2, shrink 1/2), on Eigen vectors.
//
// The search runs in the unit box [0, 1]^n: every trial point is clamped into
// it, so callers map their bounded parameters onto the box. Deterministic: the
// same function and start give the same sequence of evaluations.
#pragma once

#include <Eigen/Dense>
#include <functional>

namespace pledgesim::analysis {

struct NelderMeadOptions {
  int max_evaluations = 100;
  double initial_step = 0.15;     // edge of the starting simplex, in box units
  double value_tolerance = 1e-6;  // stop when the simplex values span less than this
  double point_tolerance = 1e-4;  // ... or its vertices lie this close to the best one
};

struct NelderMeadResult {
  Eigen::VectorXd best;  // in the unit box
  double value = 0;
  int evaluations = 0;
  bool converged = false;  // a tolerance was met before max_evaluations
};

using Objective = std::function<double(const Eigen::VectorXd&)>;

NelderMeadResult minimise_in_unit_box(const Objective& f, const Eigen::VectorXd& start,
                                      const NelderMeadOptions& options = {});

}  // namespace pledgesim::analysis
