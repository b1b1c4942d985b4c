#include "sim/core/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace pledgesim::sim {

Progress::Progress(std::string label, std::int64_t total, bool quiet)
    : label_(std::move(label)),
      total_(total),
      active_(!quiet && isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
  finish();
}

void Progress::update(std::int64_t done, const std::string& detail) {
  if (!active_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double frac = total_ > 0 ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const double left = frac > 0 ? elapsed * (1 - frac) / frac : 0.0;
  std::fprintf(stderr, "\r%s %3.0f%% (%lld/%lld) %s elapsed %.1fs, left ~%.1fs   ", label_.c_str(),
               100 * frac, static_cast<long long>(done), static_cast<long long>(total_),
               detail.c_str(), elapsed, left);
  std::fflush(stderr);
}

void Progress::finish() {
  if (!active_ || finished_) return;
  finished_ = true;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace pledgesim::sim
