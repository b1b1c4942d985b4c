// Writing result files safely: checks made before any work is spent (the
// output can be created where asked, and an existing result is not replaced
// without --force), a whole-or-nothing text writer, and the error reported
// when the operating system refuses a write (disk full, file too large, I/O
// error).
//
// Every result file is written as NAME.partial and renamed to NAME only when
// complete (the HDF5 recorder, the sweep file, the calibration result), so a
// file under the final name is always whole, and an existing file under the
// final name (replaced with --force) stays untouched until its replacement is
// complete. When a write fails, the partial file is removed.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace pledgesim::sim {

// A result file could not be written: the process exits 1 (an environment
// failure, not bad input). what() is "cannot write FILE: REASON[; NOTE]",
// e.g. "cannot write results/a.h5: No space left on device".
struct WriteError : std::runtime_error {
  WriteError(const std::filesystem::path& file, const std::string& reason,
             const std::string& note = {});
};

// Ends the process with `status` after a WriteError has been reported:
// flushes stdout and stderr and exits without running exit handlers. After
// an HDF5 file failed to close (its buffered data could not be written), the
// HDF5 1.10 library crashes in its own exit handler (H5F__close_cb from
// H5_term_library) while closing that file again; the partial file has
// already been removed by then, so nothing is lost by skipping it.
[[noreturn]] void exit_after_write_error(int status);

// Why a new result cannot be written to `out`, or nullopt when it can. Checked
// before any simulation time is spent:
//  - `out` is a directory (a file name is needed);
//  - `out` exists and `force` is false ("... exists; use --force ...");
//  - `out` (or OUT.partial) exists but is not a regular file;
//  - a component of its directory is not a directory;
//  - its directory (or, when that does not exist yet, the nearest existing
//    ancestor, where it would be created) does not accept new files: a
//    probe file is created there and removed, which also catches read-only
//    file systems and write access denied to root.
// The message names the file or the directory.
std::optional<std::string> output_file_problem(const std::filesystem::path& out, bool force);

// Writes `text` to PATH + partial_suffix, flushes it to disk and renames it
// to `path` (creating directories). On any failure removes the partial file,
// leaves `path` as it was, and throws WriteError naming `path` and the
// system's reason.
void write_file_atomically(const std::filesystem::path& path, const std::string& text,
                           const std::string& partial_suffix = ".partial");

// Copies `from` to `to` (replacing it), flushed to disk; on failure removes
// `to` and returns the system's reason (e.g. "No space left on device").
std::optional<std::string> copy_file_checked(const std::filesystem::path& from,
                                             const std::filesystem::path& to);

}  // namespace pledgesim::sim
