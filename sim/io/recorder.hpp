// Recording sinks: where a run's weekly series go. The engine hands a sink
// one row of values per series per week; the sink decides how to store it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/column_type.hpp"

namespace pledgesim::sim {

struct SeriesSpec {
  std::string name;
  std::string units;
  std::string description;
  bool integer = false;  // stored as int64 rather than float64
};

// A table with one row per entity (e.g. employer): named string and integer
// columns, all the same length.
struct EntityTable {
  std::string group;  // HDF5 group name, e.g. "employers"
  std::vector<std::pair<std::string, std::vector<std::string>>> strings;
  std::vector<std::pair<std::string, std::vector<std::int32_t>>> integers;
  std::size_t rows() const { return strings.empty() ? 0 : strings.front().second.size(); }
};

// An optional table of events (one row per event, appended week by week):
// parallel 1-D columns under /<group>, led by a `week` column the recorder
// adds, plus string tables that name the codes of integer columns.
struct EventColumnSpec {
  std::string name;
  ColumnType type = ColumnType::i32;
  std::string units;
  std::string description;
};
struct EventTableSpec {
  std::string group = "events";
  std::string description;
  std::vector<EventColumnSpec> columns;
  std::vector<std::pair<std::string, std::vector<std::string>>> labels;  // e.g. kind_names
};

// The values of numeric scenario keys each replication ran with, when they
// differ by replication (`run --parameters`): /replications/parameters.
struct ParameterTable {
  std::string source;              // where the sets came from (the ensemble file's name)
  std::vector<std::string> keys;   // scenario keys, one column each
  std::vector<std::int64_t> sets;  // per replication: the set of the source it ran
  std::vector<double> values;      // [replication][key], row-major
  bool empty() const { return keys.empty(); }
};

struct RunInfo {
  std::string scenario_name;
  std::string scenario_text;  // fully resolved scenario, enough to rerun
  std::string software_version;
  // Which random-number rules of the model produced it (root attribute
  // rng_contract; 0: not recorded). The same seed under another contract
  // gives other draws.
  std::int64_t rng_contract = 0;
  std::uint64_t seed = 0;  // the base seed (root attribute `seed`)
  std::int64_t weeks = 0;  // weeks the run will record
  // Seed of each replication, in replication order. Empty or one entry: one
  // replication, series stored [weeks, entities]; more: series stored
  // [replications, weeks, entities]. Either way /replications/{index,seed}
  // record them (an empty list records `seed` as replication 0).
  std::vector<std::uint64_t> replication_seeds;
  ParameterTable parameters;  // empty: every replication ran the scenario's values
  EntityTable entities;       // its first string column labels the series' columns
  std::vector<SeriesSpec> series;
  std::optional<EventTableSpec> events;  // none: no event table
  std::string created_utc;               // empty: now (a resumed run keeps the original)

  std::size_t replications() const {
    return replication_seeds.empty() ? 1 : replication_seeds.size();
  }
};

class Recorder {
 public:
  virtual ~Recorder() = default;
  virtual void begin(const RunInfo& info) = 0;
  // `values` holds, for each series in RunInfo order, one value per entity.
  // Each replication's weeks come in order; replications may interleave.
  virtual void record_week(std::size_t replication, std::int64_t week, const std::string& date,
                           std::span<const double> values) = 0;
  // A run of one replication.
  void record_week(std::int64_t week, const std::string& date, std::span<const double> values) {
    record_week(0, week, date, values);
  }
  // One week's events, columns in EventTableSpec order (all the same
  // length); only with RunInfo::events. Weeks come in order.
  virtual void record_events(std::size_t replication, std::int64_t week,
                             std::span<const ColumnView> columns) = 0;
  // The run completed: make the output final.
  virtual void finish() = 0;
};

}  // namespace pledgesim::sim
