// Ctrl-C and SIGTERM as a request to stop cleanly. While an InterruptGuard is
// alive, the first SIGINT or SIGTERM only sets a flag that long loops poll
// (once a simulated week), so they can close their files and say how to go
// on; a second signal acts as usual (kills the process).
#pragma once

namespace pledgesim::sim {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
};

// True once a signal arrived under a guard.
bool interrupted();

}  // namespace pledgesim::sim
