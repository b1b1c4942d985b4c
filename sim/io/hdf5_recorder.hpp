// HDF5 recording sink implementing the run file layout of docs/output-format.md.
//
// The file is written as NAME.partial and renamed to NAME by finish(); if the
// recorder is destroyed before finish() (an error, a bad input) the partial
// file is removed, so a file under the final name is always complete.
// Series are buffered one chunk of weeks at a time (per replication) and
// streamed to disk. With several replications every series is
// [replications, weeks, entities] and /replications/index (a dimension scale)
// and /replications/seed say which seed each replication ran on.
//
// An event table (RunInfo::events) is a set of 1-D columns, chunked (65536
// rows) and unlimited, filtered as the series are (Compression), appended a
// whole number of chunks at a time. For checkpoints, save_recorded() copies
// what is recorded so far into a checkpoint and restore_recorded() writes it
// into a fresh output, so that a resumed run ends with the file an
// uninterrupted one would have written.
#pragma once

#include <filesystem>
#include <memory>

#include "sim/io/recorder.hpp"

namespace pledgesim::sim {

// Version 2 put the dimensions of /series (and /events) inside their group,
// so that netCDF-4 readers (xarray with h5netcdf) label them; version 1
// attached scales from the sibling groups /time, /employers, /replications.
inline constexpr int kFormatVersion = 2;

// Names of the dimensions of /series in format 2, and of the datasets of
// /series that are not series but its dimensions and their coordinates (the
// entity table's other columns take their /employers names). Readers of
// format 2 skip these names when they list the series.
inline constexpr const char* kReplicationDimension = "replication";
inline constexpr const char* kWeekDimension = "week";
inline constexpr const char* kEmployerDimension = "employer";
inline constexpr const char* kSeriesCoordinates[] = {
    "replication", "seed",      "week",         "date",      "employer",
    "region",      "subregion", "inner_london", "signatory", "signatory_from"};
// The dimension of /events in format 2 (a dataset of row numbers).
inline constexpr const char* kEventDimension = "event";

class CheckpointWriter;
class CheckpointReader;

inline constexpr std::int64_t kEventChunkRows = 65536;

// Filters of the series and event datasets (the layout is the same either
// way). Deflate costs more than the rest of writing: shuffle + gzip level 1
// took about 25 ms of the ~35 ms of a 10-year London file (writing it added
// 11-13% to the run, 4-5% uncompressed) for a file 5 times smaller, so files
// are uncompressed unless asked (run --compress).
enum class Compression {
  none,     // no filters
  deflate,  // deflate (gzip) level 1; no shuffle, which made these files larger and slower
};

class Hdf5Recorder final : public Recorder {
 public:
  // `chunk_weeks`: weeks per chunk (and per write); 0 = automatic
  // (auto_chunk_weeks).
  explicit Hdf5Recorder(std::filesystem::path final_path, std::int64_t chunk_weeks = 0,
                        Compression compression = Compression::none);

  // Weeks per chunk for `entities` columns over `weeks`: at most about
  // 128 KiB of float64 a chunk (at least a year), the weeks shared evenly
  // between the chunks. Small chunks (a year of 35 employers is 14 KiB) and
  // a last chunk sticking out past the end (HDF5 fills it first) made writing
  // the series cost a third of a London run; whole-column reads stay a few
  // chunks.
  static std::int64_t auto_chunk_weeks(std::size_t entities, std::int64_t weeks);
  ~Hdf5Recorder() override;

  // Creates NAME.partial and writes the metadata. Throws h5::Hdf5Error when
  // the file cannot be created, WriteError when a write to it fails.
  void begin(const RunInfo& info) override;
  using Recorder::record_week;
  void record_week(std::size_t replication, std::int64_t week, const std::string& date,
                   std::span<const double> values) override;
  void record_events(std::size_t replication, std::int64_t week,
                     std::span<const ColumnView> columns) override;
  void finish() override;
  // The root attribute created_utc written by begin().
  const std::string& created_utc() const;
  Compression compression() const;

  // Writes everything recorded so far, then copies /time, /series and the
  // event table (values only) into the checkpoint's /output, with
  // /output/weeks_recorded (per replication) and attribute events_recorded.
  void save_recorded(CheckpointWriter& checkpoint);
  // After begin(): writes what save_recorded() stored into this file and
  // continues from there. Throws CheckpointError naming the checkpoint when
  // its /output does not fit this run's layout.
  void restore_recorded(const CheckpointReader& checkpoint);
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
