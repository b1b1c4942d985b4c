// A scenario: every parameter of a run, with its documented default.
//
// Scenarios are TOML files (docs/scenario-keys.md lists every key). Loading
// validates everything in one pass and reports each problem as
// `file:line: key: what is wrong`. A loaded scenario can be written back as
// fully resolved TOML, which reproduces the run bit for bit.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/inputs.hpp"
#include "models/policy.hpp"
#include "models/roles.hpp"
#include "models/shocks.hpp"
#include "sim/core/calendar.hpp"
#include "sim/core/input_error.hpp"

namespace pledgesim::models {

inline constexpr std::size_t kMaxAgencies = 16;

// Bounds of `seed` and `years`, shared by scenario files, sweep and
// calibration files and the command line. Seeds stay below 2^63 so that they
// fit a signed 64-bit integer (TOML's integers).
inline constexpr std::uint64_t kMaxSeed = 9'200'000'000'000'000'000;
inline constexpr std::int64_t kMinYears = 1;
inline constexpr std::int64_t kMaxYears = 100;

struct AuthorityData {
  std::string name;
  std::string region;
  std::string subregion;
  bool inner_london = false;
  double inpost_fte = 0;   // permanent staff at the start
  double vacancy_fte = 0;  // vacant posts at the start
  double agency_fte = 0;   // agency workers at the start
  double caseload = 0;     // cases per case-holding FTE at the start
  double golden_hello_gbp = 0;
  double pay_index = 1.0;            // permanent pay relative to the scale, at the start
  double nqsw_intake_per_year = -1;  // newly qualified joining its area each September;
                                     // < 0: a share of population.nqsw_intake_per_year
  double locum_cover_ratio = -1;     // locums wanted per long vacancy; < 0: agency / vacancies
  std::int64_t councils = 1;         // councils an aggregate stands for (moves between them)
  std::optional<sim::Date> signatory_from;  // joined the regional agreement; none = never
  bool is_signatory(sim::Date d) const { return signatory_from && *signatory_from <= d; }
  friend bool operator==(const AuthorityData&, const AuthorityData&) = default;
};

// Whether `scope` covers authority `a` on date d.
bool in_scope(const PolicyScope& scope, const AuthorityData& a, sim::Date d);

struct Scenario {
  std::string name = "unnamed";
  std::string description;
  sim::Date start = sim::Date::from_ymd(2017, 10, 1);
  std::int64_t years = 5;
  // Years run before `start` with the levers, inputs and shocks of the start
  // date and nothing recorded: the first recorded week is a state those
  // levers have shaped, not their first week.
  std::int64_t spin_up_years = 0;
  std::uint64_t seed = 1;

  struct Population {
    double inactive_share = 0.10;  // inactive practitioners per employed one at the start
    double initial_pqe_mean_years = 9.0;
    std::int64_t nqsw_intake_per_year = 650;  // newly qualified entering each September
    double initial_agency_taste_shift = 2.0;  // extra agency taste (in SDs) of initial locums
    double asye_places_share = 0.15;          // ASYE trainees an authority can supervise, per post
    friend bool operator==(const Population&, const Population&) = default;
  } population;

  struct Behaviour {
    double exit_rate_per_year = 0.055;      // leave the profession, at zero stress
    double inactive_rate_per_year = 0.025;  // career break, at zero stress
    double return_rate_per_year = 0.25;     // inactive practitioners looking for work
    double new_entrant_search_rate_per_week = 0.25;
    double search_rate_per_year = 0.12;        // on-the-job search by permanent staff
    double search_tenure_halving_weeks = 260;  // search halves with each such tenure
    double agency_search_rate_per_year = 0.3;  // agency workers looking for a change
    double agency_assignment_mean_weeks = 52;
    double caseload_stress_threshold = 15.0;
    double stress_adjust_rate_per_week = 0.1;
    double stress_search_sensitivity = 4.0;     // search hazard x (1 + s * stress)
    double stress_exit_sensitivity = 2.0;       // exit and inactive hazards x (1 + s * stress)
    std::int64_t offers_per_search = 3;         // permanent vacancies seen per search
    std::int64_t agency_offers_per_search = 1;  // agency placements offered per search
    double pay_weight_per_10k_gbp = 1.5;        // mean; each practitioner's is a lognormal multiple
    double pay_weight_sd = 0.3;                 // SD of the log of that multiple
    double commute_weight_sd = 0.5;  // SD of the log of a personal multiple of commute costs
    double caseload_weight_per_case = 0.15;  // per case above the stress threshold
    double switching_cost = 0.5;
    double agency_taste_mean = -0.8;
    double agency_taste_sd = 1.0;
    double headhunting_rate_per_year = 0.03;     // approaches per permanent practitioner
    double outside_option_gbp_per_year = 30000;  // pay-equivalent value of staying inactive
    double commute_cost_other_subregion = 0.3;   // utility cost of working in another sub-region
    double commute_cost_other_region = 2.0;      // ... or region (moving home or a long commute)
    double bank_flexibility_share = 0.5;  // share of the agency taste that bank work also offers
    friend bool operator==(const Behaviour&, const Behaviour&) = default;
  } behaviour;

  struct Pay {
    std::array<double, kRoleCount> permanent_gbp_per_year = {34000, 39000, 42000,
                                                             45000, 47000, 52000};
    std::array<double, kRoleCount> role_min_pqe_years = {0, 2, 5, 8, 12, 15};
    double inner_london_index = 1.03;
    double on_cost_rate = 0.27;
    double annual_uplift_rate = 0.02;          // applied each 1 April to pay and agency rates
    double competitive_raise_share = 0.02;     // extra April rise under competitive pay setting
    double vacancy_target_rate = 0.15;         // competitive authorities raise pay above this
    double headhunting_premium_gbp = 3000;     // one-off payment to a headhunted recruit
    double recruitment_cost_gbp_per_hire = 0;  // advertising and selection, per permanent starter
    friend bool operator==(const Pay&, const Pay&) = default;
  } pay;

  struct Agency {
    std::array<double, kRoleCount> rate_gbp_per_hour = {28, 31, 34, 37, 38, 44};
    double hours_per_week = 37;
    double paid_weeks_per_year = 46;  // for comparing agency with permanent pay
    double on_cost_rate = 0.14;       // employer NI, holiday pay, levy
    double margin_share = 0.18;       // share of the charge kept by the agency (no [[agencies]])
    std::int64_t placement_candidates = 3;  // openings an agency weighs for each offer
    double msp_fee_share = 0.02;  // share of the charge paid to a managed service provider
    std::int64_t cover_after_weeks = 4;
    double excess_release_rate_per_week = 0.25;  // of locums above what an authority needs
    double reference_quality_threshold = -1.0;   // practice quality (SDs) a reference flags
    double base_screen_share = 0.2;        // flagged locums turned away without shared references
    double cap_breach_vacancy_rate = 0.3;  // authorities under this pressure may breach caps
    double cap_breach_probability = 0.5;   // weekly chance such an authority pays over the cap
    double cap_uprating_share = 0;         // share of each pay award caps rise by (0: nominal)
    double locum_demand_caseload_sensitivity = 0;  // more locums wanted per long vacancy
                                                   // under caseload pressure
    friend bool operator==(const Agency&, const Agency&) = default;
  } agency;

  // A staffing agency: its share of the placements offered to practitioners
  // and the share of its charges it keeps as margin.
  struct AgencyFirm {
    std::string name;
    double offer_share = 1.0;
    double margin_share = 0.18;
    friend bool operator==(const AgencyFirm&, const AgencyFirm&) = default;
  };

  std::vector<AuthorityData> authorities;
  Inputs inputs;                     // values that change over time (models/inputs.hpp)
  std::vector<AgencyFirm> agencies;  // empty: one agency with agency.margin_share
  std::vector<Policy> policies;
  std::vector<Shock> shocks;  // in name order
  // Behaviour keys set for one region ([behaviour_by_region.REGION]): they
  // apply to those working there and, out of work, living there.
  struct RegionalValue {
    std::string region, key;  // key: one of regional_behaviour_keys()
    double value = 0;
    friend bool operator==(const RegionalValue&, const RegionalValue&) = default;
  };
  std::vector<RegionalValue> behaviour_by_region;  // in (region, key) order

  std::int64_t weeks() const;
  std::int64_t spin_up_weeks() const { return 52 * spin_up_years; }
  // The levers in force for each authority in the week starting `week_start`.
  std::vector<AuthorityLevers> levers_at(sim::Date week_start) const;
  // The same into `out`, reusing its storage (the weekly step allocates nothing).
  void levers_at(sim::Date week_start, std::vector<AuthorityLevers>& out) const;
  // Every field equal (what a scenario written by to_toml and read back must be).
  friend bool operator==(const Scenario&, const Scenario&) = default;
};

// One problem in a scenario: where it is and what is wrong.
struct ScenarioIssue {
  std::string file;
  std::int64_t line = 0;  // 0 when unknown
  std::string key;
  std::string message;
  std::string to_string() const;
};

// Every problem of a scenario file (or of a sweep or targets file, read the
// same way), reported under `heading`.
class ScenarioError : public sim::InputError {
 public:
  explicit ScenarioError(std::vector<ScenarioIssue> issues,
                         std::string heading = "invalid scenario");
  const std::vector<ScenarioIssue>& issues() const { return issues_; }

 private:
  std::vector<ScenarioIssue> issues_;
};

// Runs `read` (a reader of one kind of file), reporting any ScenarioError it
// throws, those of the scenarios that file names included, under `heading`
// (e.g. "invalid sweep file").
template <class Read>
auto under_heading(const std::string& heading, Read&& read) {
  try {
    return read();
  } catch (const ScenarioError& e) {
    throw ScenarioError(e.issues(), heading);
  }
}

// A command-line override `key.path=value`; value is TOML (strings quoted or bare).
struct Override {
  std::string key;
  std::string value;
};

// Where the files named by `include` (and by load_scenario_file) come from:
// the file system by default. The fuzz targets (tests/fuzz) pass files held
// in memory, so that no input can make the loader read a real file.
class ScenarioFiles {
 public:
  virtual ~ScenarioFiles() = default;
  // The same name for every path to one file: include cycles are found by it.
  virtual std::filesystem::path identity(const std::filesystem::path& path) const = 0;
  // The file's text; nullopt when it cannot be read.
  virtual std::optional<std::string> read(const std::filesystem::path& path) const = 0;
  // Why read(path) gave nullopt, for the message ("no such file", "not a
  // regular file (a FIFO)").
  virtual std::string why_unreadable(const std::filesystem::path&) const {
    return "cannot be read";
  }
};
const ScenarioFiles& disk_files();

// `text` is the scenario; `source_name` names it in messages, and includes
// are resolved relative to it (a name starting with '<', e.g. "<built-in>",
// names no file).
Scenario parse_scenario(const std::string& text, const std::string& source_name,
                        const std::vector<Override>& overrides = {},
                        const ScenarioFiles& files = disk_files());
Scenario load_scenario_file(const std::filesystem::path& path,
                            const std::vector<Override>& overrides = {},
                            const ScenarioFiles& files = disk_files());
Scenario builtin_default_scenario(const std::vector<Override>& overrides = {});
const std::string& builtin_default_scenario_text();
// The inputs table the built-in scenario names (inputs.table =
// "data/inputs_2017_2021.csv"), built in with it.
const std::string& builtin_inputs_table_text();

// Fully resolved TOML: every key with its value, defaults included.
std::string to_toml(const Scenario& scenario);

}  // namespace pledgesim::models
