// Options of the commands that print indicator tables (summarize, compare).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace pledgesim::app {

struct TableOptions {
  std::string by = "total";
  std::string format = "table";
  std::vector<std::string> indicators;
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
}

}  // namespace pledgesim::app
