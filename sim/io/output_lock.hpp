// One writer per result file. Two processes told to write the same output
// (two runs, two resumes of one checkpoint, two sweeps) would otherwise
// share OUT.partial, and the loser's clean-up would delete the winner's
// work. Each writer therefore holds an exclusive lock on OUT.lock (flock)
// from before it spends any work until its result is in place; a second
// writer finds the lock taken and refuses (exit 2) without touching
// anything. The lock is the kernel's, so it dies with its process: a killed
// run never leaves a stale lock, only a stale OUT.lock file, which the next
// writer reuses.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace pledgesim::sim {

class OutputLock {
 public:
  // Takes the lock of `out` (creating its directory if needed). Throws
  // InputError naming the holder ("... is being written by another
  // pledgesim process (pid N, started ...)") when another process holds it,
  // and WriteError when the lock file cannot be created.
  explicit OutputLock(const std::filesystem::path& out, const std::string& command);
  // Removes OUT.lock and releases the lock.
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  static std::filesystem::path lock_path(const std::filesystem::path& out);

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

// The process writing `out` now, as "pid N, `COMMAND`, started TIME", or
// nullopt when no live process holds its lock (none ever did, or it ended or
// was killed). Changes nothing on disk.
std::optional<std::string> output_writer(const std::filesystem::path& out);

}  // namespace pledgesim::sim
