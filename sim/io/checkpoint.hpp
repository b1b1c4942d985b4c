// Checkpoint files: everything a run needs to continue from the end of a
// week, as HDF5 (layout in docs/checkpoints.md).
//
//   /                 attributes: format = "pledgesim-checkpoint",
//                     checkpoint_version, software_version, scenario_name,
//                     seed, weeks, weeks_done, replications, batch_first,
//                     batch_size, events, compress, checkpoint_every, output,
//                     output_created_utc, saved_utc, scenario_fnv1a64
//   /scenario/text    the fully resolved scenario
//   /parameters/text  only for a run --parameters: its parameter ensemble (CSV)
//   /state/<name>/... each model's state (StateWriter arrays; every dataset
//                     carries a Fletcher-32 checksum)
//   /output/...       what the run's output recorded so far (Hdf5Recorder)
//
// A checkpoint is written to PATH.tmp and renamed over PATH only once it is
// complete, closed and synced, so PATH always holds the latest complete
// checkpoint, even after kill -9 or a power cut.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "sim/core/input_error.hpp"
#include "sim/core/state.hpp"
#include "sim/io/hdf5_util.hpp"

namespace pledgesim::sim {

inline constexpr const char* kCheckpointFormat = "pledgesim-checkpoint";
inline constexpr int kCheckpointVersion = 1;

// A checkpoint that cannot be used: the message starts with the file name.
// A checkpoint that cannot be resumed (damaged, foreign, another version).
struct CheckpointError : InputError {
  using InputError::InputError;
};

struct CheckpointInfo {
  std::string software_version;  // resumes only with the same program
  std::string scenario_name;
  std::string scenario_text;  // fully resolved
  std::uint64_t seed = 0;
  std::int64_t weeks = 0;       // weeks of each replication
  std::int64_t weeks_done = 0;  // weeks the current batch has completed
  std::int64_t replications = 1;
  std::int64_t batch_first = 0;  // first replication of the batch in progress
  std::int64_t batch_size = 1;   // replications in that batch (one state each)
  bool events = false;           // the run records /events
  bool compress = false;         // the run's output is compressed (run --compress)
  std::int64_t checkpoint_every = 0;
  // A run with per-replication parameters (run --parameters): the ensemble
  // as CSV and its file's name, so that a resumed run gives each
  // replication the same set; empty: none. /parameters/text, attribute source.
  std::string parameters_text;
  std::string parameters_source;
  std::string output;              // the run's output file (absolute path)
  std::string output_created_utc;  // created_utc of that output
  std::string saved_utc;           // when this checkpoint was written
};

// The checkpoint that belongs to output file OUT: OUT.ckpt.
std::filesystem::path checkpoint_path_for(const std::filesystem::path& output);
// True when `path` is an HDF5 file whose root attribute format is kCheckpointFormat.
bool is_checkpoint_file(const std::filesystem::path& path);
// Current time as ISO 8601 UTC ("2026-01-31T12:00:00Z").
std::string utc_now_iso();

class CheckpointWriter {
 public:
  // Starts writing PATH.tmp (replacing any left over by a killed process).
  CheckpointWriter(std::filesystem::path path, const CheckpointInfo& info);
  // Removes PATH.tmp unless committed.
  ~CheckpointWriter();
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  // Arrays under /state/<name> (e.g. "replication_0").
  StateWriter& state(const std::string& name);
  hid_t file() const;
  const std::filesystem::path& path() const;
  // Closes PATH.tmp and syncs it to disk (it is then complete).
  void close();
  // close(), then renames PATH.tmp over PATH and syncs the directory.
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class CheckpointReader {
 public:
  // Opens and checks a checkpoint; throws CheckpointError (naming the file)
  // when it is missing, not HDF5, truncated, not a checkpoint, of another
  // checkpoint_version, or its scenario text does not match its fingerprint.
  explicit CheckpointReader(std::filesystem::path path);
  ~CheckpointReader();
  CheckpointReader(const CheckpointReader&) = delete;
  CheckpointReader& operator=(const CheckpointReader&) = delete;

  const CheckpointInfo& info() const;
  // Arrays under /state/<name>; throws CheckpointError when absent.
  const StateReader& state(const std::string& name) const;
  hid_t file() const;
  const std::filesystem::path& path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pledgesim::sim
