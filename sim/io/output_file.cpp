#include "sim/io/output_file.hpp"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <vector>

namespace pledgesim::sim {

namespace fs = std::filesystem;

namespace {

std::string with_note(const std::string& reason, const std::string& note) {
  return note.empty() ? reason : reason + "; " + note;
}

// The directory `out` goes in ("." for a bare file name).
fs::path directory_of(const fs::path& out) {
  return out.has_parent_path() ? out.parent_path() : fs::path(".");
}

// Creates and removes a probe file in `dir`; the system's reason on failure.
// (Unique names: threads of one process may check at once, e.g. sweep runs.)
std::optional<std::string> probe_directory(const fs::path& dir) {
  static std::atomic<unsigned> counter{0};
  int fd = -1;
  fs::path probe;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    probe = dir / (".pledgesim-write-check-" + std::to_string(::getpid()) + "-" +
                   std::to_string(counter.fetch_add(1)));
    fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) return std::string(std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
  return std::nullopt;
}

}  // namespace

WriteError::WriteError(const fs::path& file, const std::string& reason, const std::string& note)
    : std::runtime_error("cannot write " + file.string() + ": " + with_note(reason, note)) {}

void exit_after_write_error(int status) {
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(status);
}

std::optional<std::string> output_file_problem(const fs::path& out, bool force) {
  std::error_code ec;
  // Files are written beside the output under longer names (.ckpt.tmp is the
  // longest suffix): each must fit the file system's limit on a name.
  constexpr std::size_t kLongestSuffix = sizeof(".ckpt.tmp") - 1;
  const std::size_t name_bytes = out.filename().string().size();
  if (name_bytes + kLongestSuffix > NAME_MAX)
    return "cannot write " + out.filename().string().substr(0, 40) + "...: the file name is " +
           std::to_string(name_bytes) + " bytes; at most " +
           std::to_string(NAME_MAX - kLongestSuffix) + " (the system allows " +
           std::to_string(NAME_MAX) + ", and files named OUT.partial, OUT.lock and " +
           "OUT.ckpt.tmp go beside it)";
  for (const char* beside : {".ckpt", ".ckpt.tmp", ".lock"}) {
    fs::path path = out;
    path += beside;
    if (fs::is_directory(path, ec))
      return "cannot write " + out.string() + ": " + path.string() +
             " (where pledgesim keeps a file beside the output) is a directory";
  }
  const auto st = fs::status(out, ec);
  if (fs::is_directory(st))
    return out.string() + " is a directory; give a file name (e.g. " + (out / "result").string() +
           ")";
  if (fs::exists(st)) {
    if (!fs::is_regular_file(st))
      return out.string() + " exists and is not a regular file; choose another output file";
    if (!force)
      return out.string() + " exists; use --force to overwrite it, or --out to choose another file";
  }
  fs::path partial = out;
  partial += ".partial";
  if (fs::is_directory(partial, ec))
    return "cannot write " + out.string() + ": " + partial.string() +
           " (where it would be written first) is a directory";

  // The nearest existing ancestor of the output's directory.
  fs::path dir = directory_of(out);
  fs::path existing = dir;
  while (!fs::exists(existing, ec)) {
    if (!existing.has_parent_path() || existing.parent_path() == existing) {
      existing = ".";
      break;
    }
    existing = existing.parent_path();
  }
  if (!fs::is_directory(existing, ec))
    return "cannot write " + out.string() + ": " + existing.string() + " is not a directory";
  if (const auto why = probe_directory(existing))
    return "cannot write " + out.string() + ": directory " + existing.string() +
           (existing == dir ? "" : " (where " + dir.string() + " would be created)") +
           " does not accept new files (" + *why + ")";
  return std::nullopt;
}

void write_file_atomically(const fs::path& path, const std::string& text,
                           const std::string& partial_suffix) {
  fs::path partial = path;
  partial += partial_suffix;
  auto fail = [&](int err) {
    ::unlink(partial.c_str());
    throw WriteError(path, std::strerror(err));
  };
  if (path.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw WriteError(path, ec.message());
  }
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw WriteError(path, std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      fail(err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
    const int err = errno;
    ::close(fd);
    fail(err);
  }
  if (::close(fd) != 0) fail(errno);
  if (::rename(partial.c_str(), path.c_str()) != 0) fail(errno);
}

std::optional<std::string> copy_file_checked(const fs::path& from, const fs::path& to) {
  // (std::filesystem::copy_file may report a short copy as success.)
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return std::string(std::strerror(errno));
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    const int err = errno;
    ::close(in);
    return std::string(std::strerror(err));
  }
  int err = 0;
  std::vector<char> buf(1 << 20);
  for (;;) {
    const ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n && err == 0;) {
      const ssize_t w = ::write(out, buf.data() + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0)
        err = errno;
      else
        done += w;
    }
    if (err) break;
  }
  if (!err && ::fsync(out) != 0 && errno != EINVAL && errno != EROFS) err = errno;
  if (::close(out) != 0 && !err) err = errno;
  ::close(in);
  if (err) {
    ::unlink(to.c_str());
    return std::string(std::strerror(err));
  }
  return std::nullopt;
}

}  // namespace pledgesim::sim
