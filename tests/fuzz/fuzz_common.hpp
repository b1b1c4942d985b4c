// Shared by the fuzz targets (tests/fuzz/fuzz_*.cpp, see docs/fuzzing.md):
// a sandbox of scenario files held in memory, so that no input can make the
// loader read a real file, and the checks every target makes of the
// problems a loader reports.
//
// A property that does not hold is reported on stderr and abort()s, which
// both libFuzzer and the replay tests count as a failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace pledgesim::fuzz {

// The files an input may include or read: every scenario and CSV table of
// the library under its path relative to scenarios/ (london_baseline.toml,
// sweeps/pledge_base.toml, data/inputs_2017_2021.csv) and the malformed corpus's files at the
// top (base.part.toml, include-cycle.toml, ...), read once from the source
// tree; and an include chain longer than the loader allows (32 files),
// chain/00.toml -> chain/01.toml -> ... -> chain/40.toml (a small scenario).
// Paths are compared after lexical normalisation, so "a/../b.toml" is
// "b.toml"; nothing outside this set can be read.
class SandboxFiles : public models::ScenarioFiles {
 public:
  static constexpr int kChainLast = 40;
  static const SandboxFiles& instance();
  std::filesystem::path identity(const std::filesystem::path& path) const override;
  std::optional<std::string> read(const std::filesystem::path& path) const override;
  // Lines in the file, or nullopt when the sandbox has no such file.
  std::optional<std::int64_t> lines(const std::filesystem::path& path) const;

 private:
  SandboxFiles();
  std::map<std::string, std::string> files_;
};

// Lines of `text`, counting a last line without a newline.
std::int64_t count_lines(const std::string& text);

// Overrides given by the input itself: leading lines `#--set KEY=VALUE` (a
// TOML comment, so the rest of the input is unchanged), as `--set` on the
// command line.
std::vector<models::Override> leading_overrides(const std::string& text);

// Aborts unless `error` is a proper report for the input named `input_name`
// (`input_lines` lines long), given with `overrides`: at least one issue;
// each with a file, a message, and a line within its file (0: no line). The
// file is the input, a sandbox file, "--set" (line 0: an override that is not
// TOML or cannot be placed) or "--set KEY" for an override's value (the line
// within "value = VALUE" as the loader parses it).
void check_error(const models::ScenarioError& error, const std::string& input_name,
                 std::int64_t input_lines, const std::vector<models::Override>& overrides = {});

// Aborts unless writing `s` with to_toml and reading it back gives an equal
// scenario that writes the same text again. `what` names `s` in the report.
void check_round_trip(const models::Scenario& s, const std::string& what);

// Weeks recorded, and the most practitioners at the start, of the run
// check_run_readable makes. PLEDGESIM_FUZZ_RUN_WEEKS=N records N weeks
// instead (run_weeks(); 52 or more: the whole year, to explore by hand).
inline constexpr std::int64_t kRunWeeks = 4;
inline constexpr double kRunMaxPeople = 1000;
std::int64_t run_weeks();

// `s` made cheap to run: 1 year (kMinYears), no spin-up, and when it would
// start with more than kRunMaxPeople practitioners, every count that makes
// people (FTEs, vacancies, intakes, the inputs' establishment, case demand
// and intake) scaled down alike.
models::Scenario shrink_for_run(models::Scenario s);

// Aborts unless `s` (accepted by the loader), made cheap by shrink_for_run,
// runs through the run library (models::run_scenario, as `pledgesim run`)
// into an HDF5 run file of its first kRunWeeks weeks (sim::Hdf5Recorder, in
// a per-process temporary directory) that the reader of `pledgesim
// summarize` reads: analysis::open_run_file, analysis::summarize and every
// series. `what` names `s` in the report.
void check_run_readable(const models::Scenario& s, const std::string& what);

// Prints `what` (and `detail` when not empty) to stderr and aborts.
[[noreturn]] void fail(const std::string& what, const std::string& detail = "");

}  // namespace pledgesim::fuzz
