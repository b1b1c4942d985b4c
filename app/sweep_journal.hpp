// The journal of an unfinished sweep, OUT.runs/: one file per completed run,
// so an interrupted sweep continues where it stopped. It is trusted only for
// the sweep that wrote it: a manifest records a fingerprint of everything
// that determines a run (the sweep file, the base scenario as resolved with
// its includes, a csv design's points file, the program version), and each
// entry carries its length and
// a checksum, so an edited or truncated entry is recomputed, never used.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pledgesim::app {

// What the runs in a journal depend on.
struct SweepIdentity {
  std::string sweep_text;     // the sweep file as read
  std::string scenario_text;  // the base scenario, resolved (models::to_toml)
  std::string version;        // sim::kSoftwareVersion
  // Not fingerprinted; recorded so that readers of an unfinished sweep's
  // output can say how far it got and how to continue.
  std::size_t runs = 0;    // runs in the whole sweep
  std::string sweep_file;  // as given on the command line
  // Fingerprinted: a csv design's points file as read (empty for designs the
  // sweep makes itself, which its own text determines).
  std::string design_text;
};

class SweepJournal {
 public:
  // The journal of output OUT is OUT.runs/; each run records `values_per_run`
  // doubles.
  SweepJournal(const std::filesystem::path& out, std::size_t values_per_run);

  const std::filesystem::path& dir() const { return dir_; }

  // Starts the journal, or checks that an existing one belongs to `id`.
  // Returns why it does not (what changed, and how to start afresh).
  std::optional<std::string> open(const SweepIdentity& id) const;

  // Run `run`'s outcomes; false when the entry is absent or damaged (wrong
  // length, header or checksum).
  bool read(std::size_t run, std::vector<double>& values) const;
  // Writes run `run`'s entry (to a temporary name, then renamed).
  void write(std::size_t run, const std::vector<double>& values) const;

  // Runs in [0, runs) without a good entry; `damaged` counts those whose
  // entry exists but was refused (they are run again).
  std::vector<std::size_t> pending(std::size_t runs, std::size_t* damaged = nullptr) const;

 private:
  std::filesystem::path entry_path(std::size_t run) const;
  std::filesystem::path dir_;
  std::size_t values_per_run_;
};

}  // namespace pledgesim::app
