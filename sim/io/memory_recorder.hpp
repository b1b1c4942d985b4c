// A recording sink that keeps a whole run in memory: what a calibration, a
// sweep or the Python API computes from, without a file per run.
//
// Series are held as the run file holds them, [replication][week][entity]
// flattened, so that the analysis reads the two the same way; the event
// table, when the run has one, as raw columns per replication in
// EventTableSpec order with the week of each row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/io/recorder.hpp"

namespace pledgesim::sim {

class MemoryRecorder final : public Recorder {
 public:
  void begin(const RunInfo& info) override;
  using Recorder::record_week;
  void record_week(std::size_t replication, std::int64_t week, const std::string& date,
                   std::span<const double> values) override;
  void record_events(std::size_t replication, std::int64_t week,
                     std::span<const ColumnView> columns) override;
  void finish() override { complete_ = true; }

  const RunInfo& info() const { return info_; }
  bool complete() const { return complete_; }
  std::size_t weeks() const { return static_cast<std::size_t>(info_.weeks); }
  std::size_t entities() const { return info_.entities.rows(); }
  // The first day of each week (ISO), as /time/date.
  const std::vector<std::string>& dates() const { return dates_; }
  // Series `index` (RunInfo::series order) as [replication][week][entity].
  const std::vector<double>& series(std::size_t index) const { return series_.at(index); }

  // One replication's events: a week per row, and each column's raw values
  // (column c holds rows() values of info().events->columns[c].type).
  struct Events {
    std::vector<std::int64_t> week;
    std::vector<std::vector<std::byte>> columns;
    std::size_t rows() const { return week.size(); }
  };
  const Events& events(std::size_t replication) const { return events_.at(replication); }

 private:
  RunInfo info_;
  bool complete_ = false;
  std::vector<std::string> dates_;
  std::vector<std::vector<double>> series_;
  std::vector<Events> events_;
};

}  // namespace pledgesim::sim
