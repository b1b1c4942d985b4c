// Regression-based sensitivity measures, for designs whose points follow no
// set layout (grid, Latin hypercube, points from a CSV file), where neither
// Sobol nor Morris estimators apply (Saltelli et al. 2008, "Global
// Sensitivity Analysis: The Primer", ch. 1.2; Marino et al. 2008, J. Theor.
// Biol. 254:178).
//
// `x` holds the parameter values, [points][k] row-major, and `y` one outcome
// per point. With C the correlation matrix of the columns of [x | y]:
//   SRC_j  standardised regression coefficient: the coefficient of x_j in
//          the least-squares fit of y on all parameters, in standard
//          deviations of y per standard deviation of x_j: C_xx^-1 C_xy.
//   R2     the share of y's variance that fit explains: C_yx C_xx^-1 C_xy.
//          Where R2 is low the SRC describe little of the outcome.
//   PRCC_j partial rank correlation coefficient: the correlation of the
//          ranks of x_j and y once the ranks of the other parameters are
//          regressed out, from the inverse P of the correlation matrix of
//          the ranks (ties get their mean rank): -P_jy / sqrt(P_jj P_yy).
//          Sensitive to any monotone effect, linear or not.
//   rank R2  the R2 of the fit on ranks.
// A parameter that takes one value throughout the design gets NaN and is
// left out of the fits. Intervals: percentile bootstrap over the points
// (`bootstrap` resamples of the points drawn with replacement from Philox
// streams RandomStreams(seed, purpose), resample b on counter step b; every
// measure recomputed on each, ranks included); a resample in which a
// parameter or the outcome does not vary, or the parameters are collinear,
// is skipped. With bootstrap = 0 the bounds are NaN.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace pledgesim::analysis {

struct RegressionResult {
  std::vector<double> src, src_lo, src_hi;     // one per parameter
  std::vector<double> prcc, prcc_lo, prcc_hi;  // one per parameter
  double r_squared = 0;                        // of the linear fit
  double rank_r_squared = 0;                   // of the fit on ranks
  std::size_t points = 0;
  std::size_t resamples = 0;  // bootstrap resamples kept
};

// Throws std::invalid_argument (saying why) when the design cannot give
// regression measures whatever the outcome: x is not points x k, a value is
// not finite, no parameter varies, there are fewer than (varying
// parameters + 2) points, or the varying parameters are collinear.
void check_regression_design(std::span<const double> x, std::size_t k, std::size_t points);

// Throws std::invalid_argument when x is not points x k, a value is not
// finite, y does not vary (nothing to explain), the design has fewer than
// (varying parameters + 2) points, or its varying parameters are collinear
// (one is a linear combination of others, e.g. two columns equal).
RegressionResult regression_sensitivity(std::span<const double> x, std::size_t k,
                                        std::span<const double> y, std::size_t bootstrap = 500,
                                        double level = 0.90, std::uint64_t seed = 1);

}  // namespace pledgesim::analysis
