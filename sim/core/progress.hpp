// A one-line progress display on stderr, shown only when stderr is a terminal
// (so logs and pipes stay clean) and not asked to be quiet.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace pledgesim::sim {

class Progress {
 public:
  Progress(std::string label, std::int64_t total, bool quiet);
  ~Progress();
  void update(std::int64_t done, const std::string& detail = {});
  void finish();
  bool active() const { return active_; }

 private:
  std::string label_;
  std::int64_t total_;
  bool active_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace pledgesim::sim
