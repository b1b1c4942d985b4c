// Fuzz target: a sweep file (`pledgesim sweep`), through its reader and
// checks, named sweeps/fuzz-sweep.toml in the in-memory sandbox (so
// `scenario = "pledge_base.toml"` loads the library's base scenario).
//
// Properties (any other exception, a crash, a sanitizer report or a hang is
// also a finding):
// - a rejected input throws models::ScenarioError, every issue naming its
//   file and a line within it, and a message;
// - an accepted sweep's runs are valid scenarios: the scenarios with every
//   parameter at its lowest value, and with every one at its highest, are
//   ones the scenario loader accepts and reads back unchanged (a mix of low
//   and high values is not tried).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "app/sweep.hpp"
#include "models/scenario.hpp"
#include "tests/fuzz/fuzz_common.hpp"

namespace pm = pledgesim::models;
namespace pa = pledgesim::app;
namespace pf = pledgesim::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string name = "sweeps/fuzz-sweep.toml";
  pa::SweepSpec spec;
  try {
    spec = pa::parse_sweep_spec(text, name, pf::SandboxFiles::instance());
  } catch (const pm::ScenarioError& e) {
    pf::check_error(e, name, pf::count_lines(text));
    return 0;
  }
  const pm::Scenario base = pa::load_sweep_base(spec, pf::SandboxFiles::instance());
  // Each parameter's extremes, as point_values gives them (rounded when whole).
  std::vector<double> lowest, highest;
  const std::size_t k = spec.parameters.size();
  for (std::size_t j = 0; j < k; ++j) {
    const auto& p = spec.parameters[j];
    double lo = p.min, hi = p.max;
    if (!spec.design_values.empty()) {  // a csv design: its column's extremes
      lo = hi = spec.design_values[j];
      for (std::size_t i = j; i < spec.design_values.size(); i += k) {
        lo = std::min(lo, spec.design_values[i]);
        hi = std::max(hi, spec.design_values[i]);
      }
    } else if (!p.values.empty()) {
      lo = *std::min_element(p.values.begin(), p.values.end());
      hi = *std::max_element(p.values.begin(), p.values.end());
    }
    lowest.push_back(p.integer ? std::round(lo) : lo);
    highest.push_back(p.integer ? std::round(hi) : hi);
  }
  pf::check_round_trip(pa::scenario_at(base, spec, lowest), "a sweep's run at its lowest values");
  pf::check_round_trip(pa::scenario_at(base, spec, highest), "a sweep's run at its highest values");
  return 0;
}
