// Policy levers as data: each lever has a kind, a start date, an optional end
// date and a scope (all authorities, signatories of the regional agreement, a
// region, or named authorities). Each week the levers in force are resolved
// into per-authority values that the market reads.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/roles.hpp"
#include "sim/core/calendar.hpp"

namespace pledgesim::models {

enum class PolicyKind : std::uint8_t {
  agency_pay_cap,         // hourly pay of locums capped by role (memorandum 2016, pledge 2022)
  cooling_off,            // no agency work in the region within N weeks of leaving a permanent post
  agency_min_experience,  // agency work only with enough post-qualifying experience (DfE 2024)
  harmonised_pay,         // April pay review keeps pay within a band of the regional reference
  no_poach,               // authorities in scope do not headhunt each other's staff
  shared_references,      // a shared reference template screens out weak locums
  agency_price_cap,       // DfE 2025: cap on the price (pay + NI + holiday + levy) per hour
  staged_golden_hello,    // payments at set weeks after joining; unpaid stages are clawed back
  retention_payment,      // yearly payment to permanent staff past a tenure, paid weekly
  notice_period,          // weeks between accepting another post and leaving this one
  inhouse_bank,           // authorities cover part of their locum need from their own bank
  asye_pipeline,          // a minimum share of the workforce in the ASYE year (memorandum 8.1)
  trainee_pay,            // a common (regional) salary for ASYE trainees
  progression_pathway,    // promotion to the next pay role this many years earlier
  relocation_allowance,   // one-off payment to starters who move in from another region
};
inline constexpr std::array<std::string_view, 15> kPolicyKindNames = {
    "agency_pay_cap",    "cooling_off",         "agency_min_experience", "harmonised_pay",
    "no_poach",          "shared_references",   "agency_price_cap",      "staged_golden_hello",
    "retention_payment", "notice_period",       "inhouse_bank",          "asye_pipeline",
    "trainee_pay",       "progression_pathway", "relocation_allowance"};

struct PolicyScope {
  enum class Kind : std::uint8_t { all, signatories, region, authorities } kind = Kind::all;
  std::string region;                    // for Kind::region
  std::vector<std::string> authorities;  // for Kind::authorities
  std::string to_string() const;         // the scenario-file spelling
  friend bool operator==(const PolicyScope&, const PolicyScope&) = default;
};

struct Policy {
  PolicyKind kind = PolicyKind::agency_pay_cap;
  sim::Date start;
  std::optional<sim::Date> end;  // in force before this date; none = open-ended
  PolicyScope scope;
  std::array<double, kRoleCount> rate_gbp_per_hour{};  // caps; inhouse_bank (bank pay)
  double cover_share = 0;                              // inhouse_bank
  double min_share = 0;                                // asye_pipeline
  double pay_gbp_per_year = 0;                         // trainee_pay
  double years_earlier = 0;                            // progression_pathway
  double gbp = 0;                                      // relocation_allowance
  std::int64_t weeks = 0;                              // cooling_off, notice_period
  double pqe_years = 0;                                // agency_min_experience
  double band_share = 0;                               // harmonised_pay
  double screen_share = 0;                             // shared_references
  std::vector<std::int64_t> stage_weeks;               // staged_golden_hello
  std::vector<double> stage_gbp;                       // staged_golden_hello
  double gbp_per_year = 0;                             // retention_payment
  std::int64_t min_tenure_weeks = 0;                   // retention_payment

  // In force during the week that starts on `week_start` (from the first week
  // starting on or after `start`, until the first starting on or after `end`).
  bool in_force(sim::Date week_start) const {
    return start <= week_start && (!end || week_start < *end);
  }
  friend bool operator==(const Policy&, const Policy&) = default;
};

inline constexpr double kNoCap = std::numeric_limits<double>::infinity();

// What the levers in force mean for one authority in one week. A price cap
// is turned into the pay cap it implies (price = pay x (1 + agency on-costs)).
struct AuthorityLevers {
  std::array<double, kRoleCount> agency_cap_gbp_per_hour;  // kNoCap when uncapped
  std::int64_t cooling_off_weeks = 0;
  std::uint16_t agency_min_pqe_weeks = 0;
  double harmonised_band_share = -1;  // < 0: competitive pay setting
  bool no_poach = false;
  double reference_screen_share = -1;  // < 0: the scenario's base screening
  // Staged golden hello: stage k pays hello_gbp[k] at hello_weeks[k] of tenure.
  static constexpr int kMaxStages = 4;
  int hello_stages = 0;
  std::array<std::uint16_t, kMaxStages> hello_weeks{};
  std::array<double, kMaxStages> hello_gbp{};
  std::uint8_t notice_weeks = 0;  // for moves out of a post here
  double retention_gbp_per_year = 0;
  std::uint16_t retention_min_tenure_weeks = 0;
  // In-house bank: share of the locum need offered first as bank work, and its pay.
  double bank_cover_share = 0;
  std::array<double, kRoleCount> bank_rate_gbp_per_hour{};
  double asye_min_share = 0;             // trainees kept at least this share of establishment
  double trainee_pay_gbp_per_year = -1;  // < 0: the scale's nqsw pay
  std::uint16_t progression_weeks_earlier = 0;
  double relocation_gbp = 0;
  bool signatory = false;

  bool operator==(const AuthorityLevers&) const = default;
};

}  // namespace pledgesim::models
