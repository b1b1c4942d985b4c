#include "app/calibration_weights.hpp"

#include <cmath>
#include <stdexcept>

#include "app/calibration.hpp"

namespace pledgesim::app {

namespace {

Eigen::VectorXd data_variance(const std::vector<CalibrationTarget>& targets) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(targets.size()));
  for (std::size_t k = 0; k < targets.size(); ++k)
    v(static_cast<Eigen::Index>(k)) =
        targets[k].sd * targets[k].sd + targets[k].rounding * targets[k].rounding / 3;
  return v;
}

}  // namespace

MissWeights::MissWeights(const std::vector<CalibrationTarget>& targets)
    : MissWeights(targets, {}, 1) {}

MissWeights::MissWeights(const std::vector<CalibrationTarget>& targets,
                         const std::vector<std::vector<double>>& replicates,
                         std::size_t replications) {
  const auto n = static_cast<Eigen::Index>(targets.size());
  Eigen::MatrixXd s = data_variance(targets).asDiagonal();
  if (!replicates.empty()) {
    if (replicates.size() != targets.size())
      throw std::logic_error("one row of replicates per target expected");
    const auto reps = static_cast<Eigen::Index>(replicates.front().size());
    if (reps > 1) {
      // Deviations from each target's mean; a non-finite value (a 0/0 rate)
      // counts as no deviation.
      Eigen::MatrixXd d(n, reps);
      for (Eigen::Index k = 0; k < n; ++k) {
        const auto& row = replicates[static_cast<std::size_t>(k)];
        double mean = 0, count = 0;
        for (double x : row)
          if (std::isfinite(x)) mean += x, ++count;
        mean = count > 0 ? mean / count : 0;
        for (Eigen::Index r = 0; r < reps; ++r) {
          const double x = row[static_cast<std::size_t>(r)];
          d(k, r) = std::isfinite(x) ? x - mean : 0.0;
        }
      }
      const Eigen::MatrixXd c = d * d.transpose() / static_cast<double>(reps - 1);
      s += (1 + 1 / static_cast<double>(std::max<std::size_t>(replications, 1))) * c;
    }
  }
  for (Eigen::Index k = 0; k < n; ++k)
    if (targets[static_cast<std::size_t>(k)].fitted) fitted_.push_back(k);
  factorise(s);
}

void MissWeights::factorise(const Eigen::MatrixXd& s) {
  diagonal_ = s.diagonal();
  const auto m = static_cast<Eigen::Index>(fitted_.size());
  Eigen::MatrixXd sub(m, m);
  for (Eigen::Index i = 0; i < m; ++i)
    for (Eigen::Index j = 0; j < m; ++j) sub(i, j) = s(fitted_[i], fitted_[j]);
  full_ = s;
  llt_.compute(sub);
  if (llt_.info() != Eigen::Success)
    throw std::runtime_error("the targets' covariance is not positive definite");
}

double MissWeights::chi2(const std::vector<double>& misses) const {
  Eigen::VectorXd r(static_cast<Eigen::Index>(fitted_.size()));
  for (std::size_t i = 0; i < fitted_.size(); ++i) {
    const double x = misses[static_cast<std::size_t>(fitted_[i])];
    r(static_cast<Eigen::Index>(i)) =
        std::isfinite(x) ? x : 1e3 * sigma(static_cast<std::size_t>(fitted_[i]));
  }
  return llt_.matrixL().solve(r).squaredNorm();
}

void MissWeights::scale(double factor) {
  factorise(full_ * (factor * factor));
}

}  // namespace pledgesim::app
