// Fuzz target: a calibration targets file (`pledgesim calibrate`), through
// its reader and checks, named calibration/fuzz-targets.toml in the
// in-memory sandbox (so `scenario = "../london_history.toml"` loads the
// library's scenario).
//
// Properties (any other exception, a crash, a sanitizer report or a hang is
// also a finding):
// - a rejected input throws models::ScenarioError, every issue naming its
//   file and a line within it, and a message;
// - an accepted file's parameters are numeric scenario keys with min < max
//   inside the key's range, and a start (when given) inside [min, max].
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/calibration.hpp"
#include "models/scenario.hpp"
#include "models/scenario_schema.hpp"
#include "tests/fuzz/fuzz_common.hpp"

namespace pm = pledgesim::models;
namespace pa = pledgesim::app;
namespace pf = pledgesim::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string name = "calibration/fuzz-targets.toml";
  pa::CalibrationSpec spec;
  try {
    spec = pa::parse_calibration_spec(text, name, pf::SandboxFiles::instance());
  } catch (const pm::ScenarioError& e) {
    pf::check_error(e, name, pf::count_lines(text));
    return 0;
  }
  for (const auto& p : spec.parameters) {
    // A key of scenario_params(), or one naming a part of the scenario
    // (behaviour_by_region.REGION.KEY, shocks.NAME.multiplier,
    // policies.N.FIELD), with its range.
    const pm::ParamDef* def = pm::param_form(p.key);
    if (!def) pf::fail("an accepted calibration parameter is not a scenario key", p.key);
    if (!(p.min < p.max && p.min >= def->min && p.max <= def->max))
      pf::fail("an accepted calibration parameter's bounds are not inside its key's range", p.key);
    if (p.start && !(*p.start >= p.min && *p.start <= p.max))
      pf::fail("an accepted calibration parameter starts outside its bounds", p.key);
  }
  return 0;
}
