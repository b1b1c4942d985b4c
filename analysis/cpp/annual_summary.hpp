// `pledgesim summarize`: the DfE-style annual indicators of a run file (see
// indicators.hpp for the definitions) per group of employers, as the mean
// across replications with a 90% t-interval (intervals.hpp): of the mean, or
// a prediction interval (the default for a run --parameters).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/cpp/format.hpp"
#include "analysis/cpp/grouping.hpp"
#include "analysis/cpp/indicators.hpp"
#include "analysis/cpp/intervals.hpp"
#include "analysis/cpp/run_file.hpp"

namespace pledgesim::analysis {

struct SummaryOptions {
  Grouping by = Grouping::kTotal;
  std::vector<std::string> indicators;  // empty: all
  // none: default_interval_kind(the run has /replications/parameters)
  std::optional<IntervalKind> interval = std::nullopt;
};

struct Summary {
  std::string path, scenario_name;
  IntervalKind interval = IntervalKind::kMean;
  std::string parameter_source;  // the ensemble the replications ran; "": none
  std::uint64_t seed = 0;
  std::size_t employers = 0;
  std::string first_date, last_date;
  IndicatorTable table;
  // intervals[i][g * periods + p]: across replications.
  std::vector<std::vector<Interval>> intervals;
  const Interval& at(std::size_t i, std::size_t g, std::size_t p) const {
    return intervals[i][g * table.periods(table.indicators[i]).size() + p];
  }
};

Summary summarize(const RunFile& run, const SummaryOptions& options = {});

// One line naming the interval, used in every format.
std::string summary_interval_note(std::size_t replications, IntervalKind kind = IntervalKind::kMean,
                                  bool parameters = false);

std::string format_summary(const Summary& summary, Format format);

}  // namespace pledgesim::analysis
