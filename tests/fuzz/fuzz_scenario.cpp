// Fuzz target: a scenario file, through the loader and validator that
// `pledgesim validate` and `run` use (parse, includes, --set overrides,
// every check), with includes read from the in-memory sandbox.
//
// Properties (any other exception, a crash, a sanitizer report or a hang is
// also a finding):
// - a rejected input throws models::ScenarioError, with every issue naming
//   its file and a line within it, and a message;
// - an accepted scenario written by to_toml reads back to an equal scenario
//   (and the same text);
// - what a run computes first from it (its weeks, the levers in force at
//   its start and at each lever's start and end) raises no sanitizer report;
// - it runs, and the file the run writes is one `pledgesim summarize` reads
//   (check_run_readable: its first kRunWeeks weeks, at 1 year, without
//   spin-up, scaled down to kRunMaxPeople practitioners when larger).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "tests/fuzz/fuzz_common.hpp"

namespace pm = pledgesim::models;
namespace pf = pledgesim::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string name = "fuzz-input.toml";  // at the top of the sandbox
  const std::vector<pm::Override> overrides = pf::leading_overrides(text);
  pm::Scenario s;
  try {
    s = pm::parse_scenario(text, name, overrides, pf::SandboxFiles::instance());
  } catch (const pm::ScenarioError& e) {
    if (std::getenv("PLEDGESIM_FUZZ_VERBOSE")) std::fprintf(stderr, "refused: %s\n", e.what());
    pf::check_error(e, name, pf::count_lines(text), overrides);
    return 0;
  }
  if (std::getenv("PLEDGESIM_FUZZ_VERBOSE")) std::fprintf(stderr, "accepted\n");
  pf::check_round_trip(s, "an accepted scenario");
  if (s.weeks() < 52) pf::fail("a scenario of at least a year has fewer than 52 weeks");
  s.levers_at(s.start);
  for (const auto& p : s.policies) {
    s.levers_at(p.start);
    if (p.end) s.levers_at(*p.end);
  }
  pf::check_run_readable(s, "an accepted scenario");
  return 0;
}
