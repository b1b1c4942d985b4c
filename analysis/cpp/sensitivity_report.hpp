// `pledgesim sensitivity SWEEP.h5`: sensitivity indices of the outcomes of
// a sweep file, as a library function the CLI calls.
//
// A sweep file (written by `pledgesim sweep`, see docs/sensitivity.md) holds
// the design (/design: kind, parameter names, unit and value matrices), the
// runs in point-major order (/runs/point, /runs/replication, ...) and one
// float64 dataset per outcome (/outcomes/<name>, one value per run).
//
// For each selected outcome the report averages the replications of each
// design point, then computes Morris elementary effects (a morris design),
// Sobol first-order and total indices with 90% percentile bootstrap
// intervals (a saltelli design), or, for designs in no set layout (grid,
// latin_hypercube, csv), standardised regression coefficients and partial
// rank correlation coefficients with 90% bootstrap intervals, from the
// values in /design/value; see sensitivity.hpp and
// regression_sensitivity.hpp for the estimators. It returns the formatted
// result and, with write_back, stores it in the file:
//
//   /sensitivity/<outcome>/parameter   strings [dims]
//   morris:     mu, mu_star, sigma                                float64 [dims]
//   sobol:      first, first_lo90, first_hi90, total, total_lo90, total_hi90
//   regression: src, src_lo90, src_hi90, prcc, prcc_lo90, prcc_hi90
//   attributes: method ("morris" | "sobol" | "regression"), bootstrap
//               (int64), level (0.9), units, replications (int64), and
//               trajectories | base_samples, variance | points, r_squared,
//               rank_r_squared
//
// An existing /sensitivity/<outcome> computed the same way (method and
// bootstrap count) is replaced; one computed otherwise only with `force`.
// The indices are written into a copy of the file (FILE.partial) renamed over
// it when complete, so a failed write leaves the file as it was (throws
// sim::WriteError). An outcome whose point means are not all finite is
// reported as not computed (and not written).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pledgesim::analysis {

struct SensitivityOptions {
  std::vector<std::string> outcomes;  // empty: every dataset in /outcomes
  std::size_t bootstrap = 500;        // Sobol / regression bootstrap resamples (0: none)
  std::string format = "table";       // table | csv | json
  bool write_back = true;             // store the indices under /sensitivity
  // Replace stored indices computed otherwise (another method or bootstrap
  // count); without it such a file is refused (FileError).
  bool force = false;
};

// Level of the Sobol bootstrap intervals (the "90" in first_lo90, ...).
inline constexpr double kSensitivityLevel = 0.90;
// Seed of the bootstrap streams (fixed: the same file gives the same report).
inline constexpr std::uint64_t kSensitivityBootstrapSeed = 1;

// Throws FileError (run_file.hpp) naming the file and what is missing or
// wrong for a missing, foreign, truncated or inconsistent file, an unknown
// outcome, or a design without enough points for its measures (or with
// collinear parameters); sim::InputError for a bad option (unknown format).
std::string sensitivity_report(const std::filesystem::path& sweep_file,
                               const SensitivityOptions& options);

}  // namespace pledgesim::analysis
