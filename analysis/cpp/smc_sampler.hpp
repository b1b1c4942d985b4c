// A Bayesian posterior by sequential Monte Carlo with likelihood tempering
// (Del Moral, Doucet and Jasra 2006; adaptive temperatures as in Jasra et
// al. 2011): particles drawn from the prior are carried to the posterior
// through the densities prior * likelihood^t, t rising from 0 to 1. Each
// step picks the next t so that the particles' effective sample size falls
// to a set fraction, resamples, and moves every particle by random-walk
// Metropolis steps (proposal: the particles' covariance, scaled to keep
// about a quarter of moves accepted), as many as make most particles move.
//
// The sampler knows nothing of simulations: the caller evaluates a batch of
// points (in parallel) and returns each one's log-likelihood and any outputs
// to carry with it (e.g. simulated indicators, for predictive intervals).
// Parameters live in the unit box [0, 1]^n; priors are uniform or truncated
// normal on it. Deterministic: random numbers are counter-based (Philox)
// keyed by `seed`, the stage, the particle and the draw.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <vector>

namespace pledgesim::analysis {

struct UnitPrior {
  bool normal = false;        // false: uniform on [0, 1]
  double mean = 0.5, sd = 1;  // of the normal, in box units, truncated to [0, 1]
};

struct SmcEvaluation {
  double log_likelihood = 0;  // -inf or NaN: impossible
  std::vector<double> outputs;
};

using BatchLikelihood =
    std::function<std::vector<SmcEvaluation>(const std::vector<Eigen::VectorXd>& points)>;

struct SmcOptions {
  std::size_t particles = 200;
  double ess_fraction = 0.5;    // effective sample size kept at each tempering step
  int min_moves = 2;            // Metropolis steps per tempering step: at least ...
  int max_moves = 10;           // ... and at most
  double moved_fraction = 0.9;  // enough steps that this share of particles moves
  long max_evaluations = 20000;
  std::uint64_t seed = 1;
};

struct SmcStage;
// Called after each tempering step (progress reports).
using SmcStageHook = std::function<void(const SmcStage&)>;

struct SmcStage {
  double temperature = 0;  // t reached in this step
  double ess = 0;          // effective sample size before resampling
  double acceptance = 0;   // of the Metropolis steps
  int moves = 0;
  long evaluations = 0;  // cumulative
};

struct SmcResult {
  std::vector<Eigen::VectorXd> particles;  // equally weighted posterior sample
  std::vector<SmcEvaluation> evaluations;  // each particle's
  std::vector<SmcStage> stages;
  long evaluations_used = 0;
  bool reached_posterior = false;  // t reached 1 within max_evaluations
  double log_evidence = 0;         // log of the marginal likelihood estimate
};

SmcResult sample_posterior(const BatchLikelihood& likelihood, const std::vector<UnitPrior>& priors,
                           const SmcOptions& options, const SmcStageHook& on_stage = {});

// Weighted summaries of one coordinate of a sample.
double sample_quantile(std::vector<double> values, double q);

}  // namespace pledgesim::analysis
