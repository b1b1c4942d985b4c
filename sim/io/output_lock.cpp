#include "sim/io/output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <system_error>

#include "sim/core/input_error.hpp"
#include "sim/io/output_file.hpp"

namespace pledgesim::sim {

namespace fs = std::filesystem;

namespace {

// What the lock file says about its holder (one line), trimmed.
std::string read_holder(int fd) {
  char buf[512];
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "another pledgesim process";
  std::string s(buf, static_cast<std::size_t>(n));
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s.empty() ? "another pledgesim process" : s;
}

std::string holder_line(const std::string& command) {
  char when[32] = "";
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  if (gmtime_r(&now, &utc)) std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return "pid " + std::to_string(::getpid()) + ", `" + command + "`, started " + when + "\n";
}

// True when `fd` is still the file at `path` (not unlinked or replaced by a
// releasing holder between our open and our flock).
bool still_linked(int fd, const fs::path& path) {
  struct stat a {
  }, b{};
  return ::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

}  // namespace

fs::path OutputLock::lock_path(const fs::path& out) {
  fs::path p = out;
  p += ".lock";
  return p;
}

OutputLock::OutputLock(const fs::path& out, const std::string& command) : path_(lock_path(out)) {
  if (out.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(out.parent_path(), ec);
    if (ec) throw WriteError(out, ec.message());
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
      throw WriteError(out, std::string(std::strerror(errno)),
                       "its lock file " + path_.string() + " cannot be created");
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const std::string holder = err == EWOULDBLOCK ? read_holder(fd) : "";
      ::close(fd);
      if (err == EWOULDBLOCK)
        throw InputError(out.string() + " is being written by another pledgesim process (" +
                         holder +
                         "); nothing was done. Wait for it to finish, or choose another --out");
      throw WriteError(out, std::strerror(err),
                       "its lock file " + path_.string() + " cannot be locked");
    }
    if (!still_linked(fd, path_)) {  // its holder released it as we opened it: try again
      ::close(fd);
      continue;
    }
    const std::string line = holder_line(command);
    if (::ftruncate(fd, 0) == 0) {
      [[maybe_unused]] const ssize_t n = ::pwrite(fd, line.data(), line.size(), 0);
    }
    fd_ = fd;
    return;
  }
  throw WriteError(out, "its lock file " + path_.string() + " kept being replaced");
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  // Unlink while still holding the lock: a process that opened the old file
  // meanwhile sees that it is no longer linked and takes a fresh one.
  ::unlink(path_.c_str());
  ::close(fd_);
}

std::optional<std::string> output_writer(const fs::path& out) {
  const fs::path path = OutputLock::lock_path(out);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  std::optional<std::string> holder;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ::flock(fd, LOCK_SH | LOCK_NB) != 0 &&
      errno == EWOULDBLOCK)
    holder = read_holder(fd);
  ::close(fd);
  return holder;
}

}  // namespace pledgesim::sim
