// The "accepted input -> readable output" property of the fuzz targets
// (fuzz_common.hpp, check_run_readable): a scenario the loader accepts runs
// through the run library into an HDF5 file as `pledgesim run` writes it,
// and the reader `pledgesim summarize` uses reads that file back.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <string>
#include <system_error>
#include <unordered_set>

#include "analysis/cpp/annual_summary.hpp"
#include "analysis/cpp/run_file.hpp"
#include "models/runner.hpp"
#include "sim/io/hdf5_recorder.hpp"
#include "tests/fuzz/fuzz_common.hpp"

namespace pledgesim::fuzz {

namespace fs = std::filesystem;

namespace {

// A per-process directory for the run files, removed at exit (left behind
// only when the process dies, e.g. on a finding).
class TempDir {
 public:
  TempDir() {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    dir_ = base / ("pledgesim-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(dir_, ec);
    if (ec) fail("fuzz: cannot create the temporary directory " + dir_.string(), ec.message());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

// Records the first `weeks` weeks of a run into `inner` as the whole run:
// the file a run of that many weeks would write. Notes the first value that
// RunFile::read_series would refuse (NaN, infinite or negative), which
// summarize finds only in the series it reads.
class FirstWeeks final : public sim::Recorder {
 public:
  FirstWeeks(sim::Recorder& inner, std::int64_t weeks) : inner_(inner), weeks_(weeks) {}
  void begin(const sim::RunInfo& info) override {
    sim::RunInfo first = info;
    first.weeks = std::min(info.weeks, weeks_);
    info_ = first;
    inner_.begin(first);
  }
  void record_week(std::size_t replication, std::int64_t week, const std::string& date,
                   std::span<const double> values) override {
    if (week >= weeks_) return;
    const std::size_t E = info_.entities.rows();
    for (std::size_t i = 0; i < values.size() && refused_.empty(); ++i)
      if (!(std::isfinite(values[i]) && values[i] >= 0))
        refused_ =
            "/series/" +
            (E > 0 && i / E < info_.series.size() ? info_.series[i / E].name : std::string("?")) +
            " holds " + std::to_string(values[i]) + " at week " + std::to_string(week) + " (" +
            date + "), employer " + std::to_string(E > 0 ? i % E : 0) +
            ": RunFile::read_series refuses values that are not finite and >= 0";
    inner_.record_week(replication, week, date, values);
  }
  // The first value read_series would refuse ("" if none).
  const std::string& refused() const { return refused_; }
  void record_events(std::size_t replication, std::int64_t week,
                     std::span<const sim::ColumnView> columns) override {
    if (week < weeks_) inner_.record_events(replication, week, columns);
  }
  void finish() override { inner_.finish(); }

 private:
  sim::Recorder& inner_;
  std::int64_t weeks_;
  sim::RunInfo info_;
  std::string refused_;
};

// Practitioners at the start, roughly: those employed plus the inactive,
// plus one September intake.
double people_at_start(const models::Scenario& s) {
  double employed = 0;
  for (const auto& a : s.authorities) employed += a.inpost_fte + a.agency_fte;
  double intake = static_cast<double>(s.population.nqsw_intake_per_year);
  for (const auto& a : s.authorities) intake += std::max(0.0, a.nqsw_intake_per_year);
  for (const auto& r : s.inputs.rows)
    if (r.variable == models::InputVariable::nqsw_intake) intake = std::max(intake, r.value);
  return employed * (1 + s.population.inactive_share) + intake;
}

}  // namespace

models::Scenario shrink_for_run(models::Scenario s) {
  s.years = models::kMinYears;
  s.spin_up_years = 0;
  const double people = people_at_start(s);
  if (people > kRunMaxPeople) {
    // The counts that make people, scaled alike: the same market, smaller.
    const double f = kRunMaxPeople / people;
    for (auto& a : s.authorities) {
      a.inpost_fte *= f, a.vacancy_fte *= f, a.agency_fte *= f;
      if (a.nqsw_intake_per_year > 0) a.nqsw_intake_per_year *= f;
    }
    s.population.nqsw_intake_per_year = static_cast<std::int64_t>(
        std::floor(static_cast<double>(s.population.nqsw_intake_per_year) * f));
    for (auto& r : s.inputs.rows)
      if (models::adds_up(r.variable)) r.value *= f;
  }
  return s;
}

std::int64_t run_weeks() {
  static const std::int64_t weeks = [] {
    const char* env = std::getenv("PLEDGESIM_FUZZ_RUN_WEEKS");
    const long long n = env ? std::atoll(env) : 0;
    return n > 0 ? static_cast<std::int64_t>(n) : kRunWeeks;
  }();
  return weeks;
}

void check_run_readable(const models::Scenario& scenario, const std::string& what) {
  static const TempDir temp;
  const std::int64_t weeks = run_weeks();
  const models::Scenario s = shrink_for_run(scenario);
  // Most mutations change a comment or a spelling, not the scenario: run each
  // resolved scenario once per process (a finding is one input, run alone).
  static std::unordered_set<std::size_t> done;
  const std::string text = models::to_toml(s);
  if (done.size() > 1'000'000) done.clear();
  if (!done.insert(std::hash<std::string>()(text)).second) return;
  const fs::path out = temp.path() / "run.h5";
  std::error_code ec;
  fs::remove(out, ec);
  fs::remove(sim::Hdf5Recorder::partial_path(out), ec);
  const std::string input =
      "--- the scenario run (" + std::to_string(weeks) + " weeks recorded):\n" + text;
  std::string refused;
  try {
    sim::Hdf5Recorder file(out);
    FirstWeeks recorder(file, weeks);
    models::RunSettings settings;
    settings.threads = 1;
    settings.stop_requested = [weeks](std::int64_t stepped) { return stepped >= weeks; };
    const models::RunOutcome outcome = models::run_scenario(s, recorder, settings);
    if (outcome.status == models::RunOutcome::Status::kInvariantViolated)
      fail(what + ": the run stopped on an invariant it does not check");
    // Stopped after `weeks` weeks: the recorder has them all, and is finished
    // here (a run that completed, of fewer weeks, finished it itself).
    if (outcome.status == models::RunOutcome::Status::kStopped) recorder.finish();
    refused = recorder.refused();
  } catch (const std::exception& e) {
    fail(what + ": `pledgesim run` would fail on it", std::string(e.what()) + "\n" + input);
  }
  try {
    analysis::summarize(analysis::open_run_file(out));
  } catch (const std::exception& e) {
    fail(what + ": `pledgesim run` writes a file that `pledgesim summarize` refuses",
         std::string(e.what()) + "\n" + input);
  }
  // (Reading every series back costs 50 openings of the file, each checking
  // every object: 250 ms under the sanitizers. The values are checked as
  // they are recorded instead.)
  if (!refused.empty())
    fail(what + ": `pledgesim run` writes a value that the run file reader refuses",
         refused + "\n" + input);
  fs::remove(out, ec);
}

}  // namespace pledgesim::fuzz
