#include "sim/core/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace pledgesim::sim {

namespace {
std::atomic<bool> g_interrupted{false};
std::atomic<int> g_depth{0};  // guards may nest (a sweep's runs): the outermost one rules
static_assert(std::atomic<bool>::is_always_lock_free, "the handler needs a lock-free flag");

extern "C" void on_signal(int sig) {
  g_interrupted.store(true, std::memory_order_relaxed);
  std::signal(sig, SIG_DFL);  // a second signal stops the process at once
}
}  // namespace

InterruptGuard::InterruptGuard() {
  if (g_depth.fetch_add(1) != 0) return;
  g_interrupted.store(false);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

InterruptGuard::~InterruptGuard() {
  if (g_depth.fetch_sub(1) != 1) return;
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

bool interrupted() {
  return g_interrupted.load(std::memory_order_relaxed);
}

}  // namespace pledgesim::sim
