// Experimental designs in the unit cube [0, 1]^k for parameter sweeps and
// sensitivity analysis (issue 6). A design is a deterministic function of its
// spec: every random number is drawn from counter-based Philox streams
// sim::RandomStreams(seed, purpose), never from a shared generator, so the
// same spec gives the same points on every machine and thread count.
//
// Points are stored row-major, [points][dimensions]. The sweep stores them
// in this order (/design/unit) and the estimators in sensitivity.hpp rely on
// it, so the row order of every kind is part of the contract:
//
// grid            Full factorial over grid_levels[d] levels per dimension
//                 (points = product of the levels). Level j of n sits at
//                 j / (n - 1), or 0.5 when n == 1. Rows enumerate the levels
//                 like nested loops with the LAST dimension varying fastest:
//                 row = ((j_0 * n_1 + j_1) * n_2 + j_2) ...
//                 samples = points.
//
// latin_hypercube `samples` points; in every dimension each of the `samples`
//                 strata [s/n, (s+1)/n) holds exactly one point, at a uniform
//                 random position inside it (McKay, Beckman & Conover 1979).
//                 Strata are paired across dimensions by independent random
//                 permutations.
//
// saltelli        Base sample N = `samples`; points = N * (k + 2). Two
//                 N x k matrices A and B are the first and last k columns of
//                 one Latin hypercube of N points in 2k dimensions. For each
//                 base sample i = 0..N-1 the k + 2 rows starting at
//                 row i * (k + 2) are
//                   +0        A_i
//                   +1        B_i
//                   +2 + j    AB_i^(j), j = 0..k-1: A_i with column j taken
//                             from B_i
//                 (Saltelli et al. 2010, radial/"pick-freeze" layout used by
//                 the Saltelli 2010 first-order and Jansen 1999 total-effect
//                 estimators).
//
// morris          r = `samples` trajectories on the p-level grid
//                 {0, 1/(p-1), ..., 1}, p = morris_levels (even, >= 2), with
//                 step Delta = p / (2 (p - 1)) (Morris 1991; Campolongo,
//                 Cariboni & Saltelli 2007). points = r * (k + 1). Trajectory t
//                 occupies rows t * (k + 1) .. t * (k + 1) + k: row 0 is a
//                 random grid point x0 (each coordinate chosen so that a step
//                 of Delta in the trajectory's random direction for that
//                 dimension stays inside [0, 1]); row m + 1 equals row m except
//                 that coordinate pi(m) moved by +Delta or -Delta, where pi is a
//                 random permutation of the dimensions. Every dimension moves
//                 exactly once per trajectory.
//
// csv             Points made elsewhere (SALib, the EMA Workbench, a
//                 spreadsheet) and read by the sweep from a CSV file: `given`
//                 holds them as unit coordinates, in the file's row order,
//                 NaN where a parameter has no range to scale by. samples =
//                 points. No estimator here applies to them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pledgesim::analysis {

enum class DesignKind { grid, latin_hypercube, saltelli, morris, csv };

// "grid", "latin_hypercube", "saltelli", "morris", "csv".
const char* design_kind_name(DesignKind kind);
// The inverse of design_kind_name (exact names only).
std::optional<DesignKind> parse_design_kind(const std::string& name);

struct DesignSpec {
  DesignKind kind = DesignKind::latin_hypercube;
  std::size_t dimensions = 0;  // grid: may be 0, then grid_levels.size()
  // LHS: points; Saltelli: base sample N (points = N * (k + 2));
  // Morris: trajectories r (points = r * (k + 1)); csv: the points given;
  // grid: ignored.
  std::size_t samples = 0;
  std::vector<std::size_t> grid_levels;  // grid: levels per dimension (each >= 1)
  std::size_t morris_levels = 4;         // Morris grid levels p (even, >= 2)
  std::uint64_t seed = 1;
  std::vector<double> given;  // csv: row-major [samples][dimensions] unit coordinates
};

struct Design {
  DesignKind kind = DesignKind::latin_hypercube;
  std::size_t dimensions = 0;
  std::size_t samples = 0;        // as in DesignSpec (grid: the number of points)
  std::size_t morris_levels = 0;  // Morris only (0 otherwise)
  std::vector<double> unit;       // row-major [points][dimensions], each in [0, 1]
                                  // (csv: NaN where a parameter has no range)

  std::size_t points() const { return dimensions == 0 ? 0 : unit.size() / dimensions; }
  double at(std::size_t point, std::size_t dim) const { return unit[point * dimensions + dim]; }
  // Morris step Delta = p / (2 (p - 1)) (NaN for other kinds).
  double morris_step() const;
};

// Builds the design; throws std::invalid_argument with a message naming the
// problem for a bad spec (no dimensions, no samples, odd Morris levels, a
// grid_levels size that does not match, csv points that do not fill
// samples x dimensions, a design too large to store, ...).
Design make_design(const DesignSpec& spec);

// The number of points make_design(spec) would produce, with the same checks.
std::size_t design_points(const DesignSpec& spec);

}  // namespace pledgesim::analysis
