// Bad input: a file, an option or a value the user gave, as opposed to a
// failure of the program or the machine. Every reader throws a subclass
// (scenario, sweep and targets files, run files, checkpoints); the program
// reports them all in one place (app/main.cpp) as
//   pledgesim COMMAND: [heading, then a new line] what()
// with exit status 2.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace pledgesim::sim {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what, std::string heading = {})
      : std::runtime_error(what), heading_(std::move(heading)) {}
  // A line said before what(), e.g. "invalid scenario" before its issues.
  const std::string& heading() const { return heading_; }

 private:
  std::string heading_;
};

}  // namespace pledgesim::sim
