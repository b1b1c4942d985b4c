#include "sim/io/memory_recorder.hpp"

#include <cstring>
#include <stdexcept>

namespace pledgesim::sim {

void MemoryRecorder::begin(const RunInfo& info) {
  info_ = info;
  complete_ = false;
  const std::size_t R = info.replications(), W = weeks(), E = entities();
  dates_.assign(W, std::string());
  series_.assign(info.series.size(), std::vector<double>(R * W * E, 0.0));
  events_.assign(info.events ? R : 0, Events{});
  for (auto& e : events_) e.columns.resize(info.events->columns.size());
}

void MemoryRecorder::record_week(std::size_t replication, std::int64_t week,
                                 const std::string& date, std::span<const double> values) {
  const std::size_t W = weeks(), E = entities(), S = series_.size();
  const auto w = static_cast<std::size_t>(week);
  if (replication >= info_.replications() || w >= W || values.size() != S * E)
    throw std::logic_error("MemoryRecorder: a week outside the run it began");
  dates_[w] = date;
  for (std::size_t s = 0; s < S; ++s)
    std::memcpy(series_[s].data() + (replication * W + w) * E, values.data() + s * E,
                E * sizeof(double));
}

void MemoryRecorder::record_events(std::size_t replication, std::int64_t week,
                                   std::span<const ColumnView> columns) {
  Events& out = events_.at(replication);
  if (columns.size() != out.columns.size())
    throw std::logic_error("MemoryRecorder: events with other columns than the run began with");
  const std::size_t rows = columns.empty() ? 0 : columns.front().size;
  out.week.insert(out.week.end(), rows, week);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const auto* bytes = static_cast<const std::byte*>(columns[c].data);
    out.columns[c].insert(out.columns[c].end(), bytes,
                          bytes + columns[c].size * element_bytes(columns[c].type));
  }
}

}  // namespace pledgesim::sim
