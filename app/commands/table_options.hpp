// Options of the commands that print indicator tables (summarize, compare).
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "analysis/cpp/intervals.hpp"

namespace pledgesim::app {

struct TableOptions {
  std::string by = "total";
  std::string format = "table";
  std::vector<std::string> indicators;
  std::string interval;  // "mean", "prediction"; empty: by the files (analysis/cpp/intervals.hpp)
};

inline void add_table_options(CLI::App* cmd, TableOptions& t) {
  cmd->add_option("--by", t.by,
                  "Groups of employers: total (London, when the run has other regions, and all), "
                  "region (each region, Inner/Outer London, all), subregion, or authority")
      ->check(CLI::IsMember({"total", "region", "subregion", "authority"}))
      ->capture_default_str();
  cmd->add_option("--format", t.format, "table (terminal), csv, or json")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--indicator", t.indicators,
                  "Only these indicators (repeatable; default all), e.g. --indicator agency_rate");
  cmd->add_option("--interval", t.interval,
                  "Kind of 90% interval: prediction (where one more replication would fall; with "
                  "a run --parameters it includes parameter uncertainty; columns pi90_lo, "
                  "pi90_hi) or mean (confidence interval of the mean: how precisely the "
                  "replications pin down the expected outcome; columns lo90, hi90). Default: "
                  "prediction when the run files carry /replications/parameters, else mean")
      ->check(CLI::IsMember({"prediction", "mean"}));
}

// The --interval asked for; none: the default for the files.
inline std::optional<analysis::IntervalKind> interval_option(const TableOptions& t) {
  if (t.interval.empty()) return std::nullopt;
  return analysis::parse_interval_kind(t.interval);
}

}  // namespace pledgesim::app
