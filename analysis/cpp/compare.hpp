// `pledgesim compare A.h5 B.h5 [C.h5 ...]`: per indicator, group and period,
// the difference B - A, paired replication by replication (replication r of
// B against replication r of A: with the same seed and --replications they
// share their random numbers; with the same --parameters file, their
// parameters too), with a 90% t-interval of the paired differences (of their
// mean, or a prediction interval: intervals.hpp), flagged when it excludes
// zero.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/cpp/format.hpp"
#include "analysis/cpp/grouping.hpp"
#include "analysis/cpp/indicators.hpp"
#include "analysis/cpp/intervals.hpp"
#include "analysis/cpp/run_file.hpp"

namespace pledgesim::analysis {

// The files cannot be compared (different formats or calendars).
struct CompareError : sim::InputError {
  using sim::InputError::InputError;
};

struct CompareOptions {
  Grouping by = Grouping::kTotal;
  std::vector<std::string> indicators;  // empty: all
  // none: default_interval_kind(either file has /replications/parameters)
  std::optional<IntervalKind> interval = std::nullopt;
  // Pair replications that ran different parameter values (or parameters
  // in one file only) instead of refusing: a note says so.
  bool allow_different_parameters = false;
};

struct ComparisonRow {
  std::size_t group_a = 0, group_b = 0;          // indices into a.groups / b.groups
  std::size_t indicator_a = 0, indicator_b = 0;  // indices into a.indicators / b.indicators
  std::size_t period = 0;
  double a_mean = 0, b_mean = 0;  // over the paired replications
  Interval diff;                  // of B_r - A_r
};

struct Comparison {
  std::string a_path, a_name, b_path, b_name;
  std::size_t pairs = 0;
  bool common_seeds = false;       // replication seeds equal pair by pair
  bool parameters = false;         // either file's replications ran parameter sets
  bool common_parameters = false;  // ... the same values pair by pair, in both
  IntervalKind interval = IntervalKind::kMean;
  std::vector<std::string> notes;  // caveats, printed with the table and on stderr
  IndicatorTable a, b;
  std::vector<ComparisonRow> rows;  // by group, indicator, period
};

// Throws CompareError when the files differ in format or calendar, or (unless
// allowed) their paired replications ran different parameter values.
Comparison compare_runs(const RunFile& a, const RunFile& b, const CompareOptions& options = {});

// runs[0] against each later run, with one interval kind for them all (the
// CSV has one header): options.interval, or the default for the files when
// any of them carries /replications/parameters.
std::vector<Comparison> compare_with_first(const std::vector<RunFile>& runs,
                                           CompareOptions options);

std::string compare_interval_note(std::size_t pairs, IntervalKind kind = IntervalKind::kMean,
                                  bool parameters = false);

// Comparisons of one call share their interval kind (the CSV has one header).
std::string format_comparisons(const std::vector<Comparison>& comparisons, Format format);

}  // namespace pledgesim::analysis
