// How a calibration weighs the misses of its targets: chi^2 = r' S^-1 r over
// the fitted targets, r the misses (simulated mean - observed), with
//
//   S = diag(sd^2 + rounding^2 / 3) + (1 + 1/R) C
//
// sd the target's model discrepancy, rounding half the unit it is published
// to, and C the covariance of the targets between single replications,
// measured at the start point. The observed figures are one realisation of
// a stochastic world (C) and the simulated means average R replications
// (C / R). C is a full matrix: a replication whose vacancies run high in
// one year runs high the next, and treating years as independent would
// count one piece of luck several times (intervals too narrow).
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <cstddef>
#include <vector>

namespace pledgesim::app {

struct CalibrationTarget;

class MissWeights {
 public:
  // Only the data's uncertainty (no measured noise): S diagonal.
  explicit MissWeights(const std::vector<CalibrationTarget>& targets);
  // With the covariance of `replicates` (one row per target, one value per
  // replication) for simulated means of `replications` replications.
  MissWeights(const std::vector<CalibrationTarget>& targets,
              const std::vector<std::vector<double>>& replicates, std::size_t replications);

  double chi2(const std::vector<double>& misses) const;
  // sqrt(S_kk): target k's uncertainty alone.
  double sigma(std::size_t k) const { return std::sqrt(diagonal_(static_cast<Eigen::Index>(k))); }
  // S scaled by factor^2 (the misfit scale).
  void scale(double factor);

 private:
  void factorise(const Eigen::MatrixXd& s);
  std::vector<Eigen::Index> fitted_;  // the targets in chi^2
  Eigen::MatrixXd full_;              // S over all targets
  Eigen::VectorXd diagonal_;          // its diagonal
  Eigen::LLT<Eigen::MatrixXd> llt_;   // of S over the fitted targets
};

}  // namespace pledgesim::app
