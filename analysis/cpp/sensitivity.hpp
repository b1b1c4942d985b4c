// Global sensitivity estimators on the outcomes of a design (design.hpp).
//
// `y` holds one value per design point, in design point order (for a sweep,
// typically the mean of an outcome over the replications of each point).
// Both functions check that the design has the right kind, that y has one
// finite value per point and that the rows have the structure documented in
// design.hpp; they throw std::invalid_argument otherwise.
//
// Morris elementary effects (Morris 1991; Campolongo et al. 2007): along
// each trajectory, the step from row m to m + 1 moves one coordinate j by
// delta (+/- Delta); its elementary effect is EE = (y_{m+1} - y_m) / delta.
// Per dimension over the r trajectories: mu = mean EE, mu_star = mean |EE|,
// sigma = sample standard deviation of EE (denominator r - 1; NaN when r = 1).
// The effects are in outcome units per unit of the unit cube (i.e. per full
// range of the parameter).
//
// Sobol indices from a Saltelli design with base sample N: with f_A, f_B and
// f_ABj the outcomes of the rows A_i, B_i and AB_i^(j),
//   V        = sample variance of the 2N values f_A, f_B
//   S_j      = mean_i (f_B - m) (f_ABj - f_A) / V    (Saltelli et al. 2010)
//   ST_j     = mean_i (f_A - f_ABj)^2 / (2 V)         (Jansen 1999)
// where m is the mean of the 2N values f_A, f_B. Centring f_B on m leaves
// the estimator consistent but makes it invariant to a shift of y: without
// it, an outcome with a large mean and a small spread (an agency rate of
// 20% +/- 0.5) gets first-order estimates dominated by noise.
// Intervals: percentile bootstrap over the base samples: `bootstrap`
// resamples of N base-sample indices drawn with replacement from Philox
// streams RandomStreams(seed, purpose) (resample b uses counter step b), the
// estimates recomputed on each (V included), and the (1 - level) / 2 and
// (1 + level) / 2 quantiles (linear interpolation) taken. With bootstrap = 0
// the bounds are NaN. Estimates are not clipped to [0, 1]: small negative
// first-order values mean "indistinguishable from zero".
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "analysis/cpp/design.hpp"

namespace pledgesim::analysis {

struct MorrisResult {
  std::vector<double> mu, mu_star, sigma;  // one per dimension
  std::size_t trajectories = 0;
};

MorrisResult morris_effects(const Design& design, std::span<const double> y);

struct SobolResult {
  std::vector<double> first, total;  // one per dimension
  std::vector<double> first_lo, first_hi, total_lo, total_hi;
  double variance = 0;  // V, the output variance
  std::size_t base_samples = 0;
};

SobolResult sobol_indices(const Design& design, std::span<const double> y,
                          std::size_t bootstrap = 500, double level = 0.90, std::uint64_t seed = 1);

}  // namespace pledgesim::analysis
