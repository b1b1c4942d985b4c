// Hand-built run files for the analysis tests: a small calendar, three
// employers in two regions, and series given by a function of (replication,
// series, week, employer), written through the HDF5 recorder.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sim/core/calendar.hpp"
#include "sim/io/hdf5_recorder.hpp"
#include "tests/common/temp_dir.hpp"

namespace pledgesim::analysis::testing {

namespace fs = std::filesystem;

// Weeks from Monday 2 October 2017: week 25 contains 31 March 2018 (closes
// financial year 2017-18, 26 weeks), week 51 contains 30 September 2018
// (closes the year to 30 Sep 2018, 52 weeks); the run ends before either
// closes again.
inline constexpr std::int64_t kWeeks = 60;
inline const sim::Date kStart = sim::Date::from_ymd(2017, 10, 2);

// Employers: 0 Camden (London, inner, subregion North), 1 Bromley (London,
// outer, South), 2 Kent (South East, no subregion).
inline sim::EntityTable employers() {
  sim::EntityTable t;
  t.group = "employers";
  t.strings = {{"name", {"Camden", "Bromley", "Kent"}},
               {"region", {"London", "London", "South East"}},
               {"subregion", {"North", "South", ""}}};
  t.integers = {{"inner_london", {1, 0, 0}}, {"signatory", {1, 1, 0}}};
  return t;
}

using ValueFn = std::function<double(std::size_t rep, const std::string& series, std::int64_t week,
                                     std::size_t employer)>;

struct FileSpec {
  std::vector<std::string> series;
  std::size_t replications = 1;
  std::vector<std::uint64_t> seeds;  // empty: 1, 2, 3, ...
  std::int64_t weeks = kWeeks;
  sim::Date start = kStart;
  std::string name = "handmade";
  std::string software_version = "test";
  sim::ParameterTable parameters;  // /replications/parameters; empty: none
};

inline void write_run(const fs::path& out, const FileSpec& spec, const ValueFn& value) {
  sim::RunInfo info;
  info.scenario_name = spec.name;
  info.scenario_text = "name = \"" + spec.name + "\"\n";
  info.software_version = spec.software_version;
  info.seed = 1;
  info.weeks = spec.weeks;
  info.entities = employers();
  for (const auto& s : spec.series) info.series.push_back({s, "1", s, false});
  info.parameters = spec.parameters;
  info.replication_seeds = spec.seeds;
  if (info.replication_seeds.empty())
    for (std::size_t r = 0; r < spec.replications; ++r) info.replication_seeds.push_back(r + 1);
  sim::Hdf5Recorder rec(out);
  rec.begin(info);
  const sim::WeeklyClock clock(spec.start);
  const std::size_t E = 3;
  std::vector<double> row(spec.series.size() * E);
  for (std::size_t r = 0; r < info.replication_seeds.size(); ++r)
    for (std::int64_t w = 0; w < spec.weeks; ++w) {
      for (std::size_t k = 0; k < spec.series.size(); ++k)
        for (std::size_t e = 0; e < E; ++e) row[k * E + e] = value(r, spec.series[k], w, e);
      rec.record_week(r, w, clock.week_start(w).iso(), row);
    }
  rec.finish();
}

// A fresh directory dir_ for each test (tests/common/temp_dir.hpp).
using TempDir = test_util::TempDirTest;

}  // namespace pledgesim::analysis::testing
