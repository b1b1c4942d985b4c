// Input files are read only when they are regular files of a sane size. A
// FIFO given as a scenario blocks forever, `include = "/dev/zero"` grows
// memory without end and a directory reads as an empty file; each is refused
// with a reason before anything is read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace pledgesim::sim {

// Text inputs (scenarios, includes, sweep and targets files) larger than this
// are refused: the largest real one is a few tens of kilobytes.
inline constexpr std::uintmax_t kMaxTextInputBytes = std::uintmax_t{16} << 20;

// Why `path` cannot be opened as an input file, or nullopt when it can: it
// does not exist, is not a regular file (says which kind), or is larger than
// `max_bytes` (0: no limit). Symbolic links are followed.
std::optional<std::string> input_file_problem(const std::filesystem::path& path,
                                              std::uintmax_t max_bytes = 0);

// The whole text of a regular file of at most `max_bytes`. The file is opened
// without blocking and checked again on the open descriptor, so a FIFO put in
// its place after the check does not block. On failure, `text` is empty and
// `problem` says why ("not a regular file (a FIFO)", "is 20971520 bytes; at
// most 16 MiB", "cannot open (Permission denied)").
struct TextInput {
  std::optional<std::string> text;
  std::string problem;
};
TextInput read_text_input(const std::filesystem::path& path,
                          std::uintmax_t max_bytes = kMaxTextInputBytes);

}  // namespace pledgesim::sim
