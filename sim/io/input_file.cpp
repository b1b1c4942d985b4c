#include "sim/io/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace pledgesim::sim {

namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

std::string size_words(std::uintmax_t bytes) {
  if (bytes >= (std::uintmax_t{1} << 20) && bytes % (std::uintmax_t{1} << 20) == 0)
    return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

// Why a file with this status cannot be read, or nullopt.
std::optional<std::string> status_problem(const struct stat& st, std::uintmax_t max_bytes) {
  if (!S_ISREG(st.st_mode)) return "not a regular file (" + kind_of(st.st_mode) + ")";
  const auto size = static_cast<std::uintmax_t>(st.st_size);
  if (max_bytes != 0 && size > max_bytes)
    return "is " + std::to_string(size) + " bytes; at most " + size_words(max_bytes);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> input_file_problem(const std::filesystem::path& path,
                                              std::uintmax_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::string("no such file");
    return "cannot open (" + std::string(std::strerror(errno)) + ")";
  }
  return status_problem(st, max_bytes);
}

TextInput read_text_input(const std::filesystem::path& path, std::uintmax_t max_bytes) {
  if (auto problem = input_file_problem(path, max_bytes)) return {std::nullopt, *problem};
  // O_NONBLOCK: a FIFO swapped in after the check must not block the open.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return {std::nullopt, "cannot open (" + std::string(std::strerror(errno)) + ")"};
  struct stat st {};
  std::optional<std::string> problem;
  if (::fstat(fd, &st) != 0)
    problem = "cannot open (" + std::string(std::strerror(errno)) + ")";
  else
    problem = status_problem(st, max_bytes);
  std::string text;
  if (!problem) {
    text.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    // Read on past what fstat said (a file may grow while it is read), but
    // never past the cap.
    while (true) {
      if (done == text.size()) {
        if (max_bytes != 0 && done > max_bytes) {
          problem = "is over " + size_words(max_bytes);
          break;
        }
        std::size_t grown = done * 2 + 4096;
        if (max_bytes != 0) grown = std::min<std::size_t>(grown, max_bytes + 1);
        text.resize(grown);
      }
      const ssize_t got = ::read(fd, text.data() + done, text.size() - done);
      if (got < 0) {
        if (errno == EINTR) continue;
        problem = "cannot read (" + std::string(std::strerror(errno)) + ")";
        break;
      }
      if (got == 0) break;
      done += static_cast<std::size_t>(got);
    }
    text.resize(done);
  }
  ::close(fd);
  if (problem) return {std::nullopt, *problem};
  return {std::move(text), {}};
}

}  // namespace pledgesim::sim
