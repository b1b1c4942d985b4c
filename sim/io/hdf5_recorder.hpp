// HDF5 recording sink implementing the layout of DESIGN.md section 4.
//
// The file is written as NAME.partial and renamed to NAME by finish(); if the
// recorder is destroyed before finish() (an error, a bad input) the partial
// file is removed, so a file under the final name is always complete.
// Series are buffered one chunk of weeks at a time (per replication) and
// streamed to disk. With several replications every series is
// [replications, weeks, entities] and /replications/index (a dimension scale)
// and /replications/seed say which seed each replication ran on.
#pragma once

#include <filesystem>
#include <memory>

#include "sim/io/recorder.hpp"

namespace pledgesim::sim {

inline constexpr int kFormatVersion = 1;

class Hdf5Recorder final : public Recorder {
 public:
  // `chunk_weeks`: weeks per chunk (and per write).
  explicit Hdf5Recorder(std::filesystem::path final_path, std::int64_t chunk_weeks = 52);
  ~Hdf5Recorder() override;

  // Creates NAME.partial and writes the metadata. Throws h5::Hdf5Error when
  // the file cannot be created, WriteError when a write to it fails.
  void begin(const RunInfo& info) override;
  using Recorder::record_week;
  void record_week(std::size_t replication, std::int64_t week, const std::string& date,
                   std::span<const double> values) override;
  void finish() override;
  // Stops early (e.g. on Ctrl-C): writes what was recorded, marks the file
  // with root attributes incomplete = 1 and complete_weeks, and leaves it as
  // NAME.partial, never under the final name. Returns that path.
  std::filesystem::path keep_incomplete(std::int64_t complete_weeks);

  static std::filesystem::path partial_path(const std::filesystem::path& final_path);

 private:
  struct State;
  std::unique_ptr<State> state_;
  void begin_file(const RunInfo& info);  // begin() but for reporting write failures
};

}  // namespace pledgesim::sim
