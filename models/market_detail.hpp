// Internals shared by the market's source files: constants, stream purposes,
// the layout of the per-block accumulators, small pure functions.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "models/roles.hpp"
#include "sim/core/parallel.hpp"

namespace pledgesim::models::detail {

inline constexpr std::size_t kBlockSize = sim::kDefaultBlockSize;
inline constexpr std::size_t kPrefetchAhead = 8;  // visits ahead whose columns are fetched
inline constexpr double kMaxCareerYears = 40.0;   // retirement
inline constexpr unsigned kPayReviewMonth = 4, kPayReviewDay = 1;
inline constexpr unsigned kIntakeMonth = 9, kIntakeDay = 1;
inline constexpr std::int16_t kNoApplication = -1;
inline constexpr std::uint16_t kNeverLeftPermanent = UINT16_MAX;
// Employers' ranking: quality + this * PQE years (+ kPriorityScore for a
// newly qualified applicant where the authority is short of its ASYE share).
inline constexpr double kExperienceScorePerYear = 0.1;
inline constexpr double kPriorityScore = 1000.0;

// Random stream purposes: one per decision family, so a new draw in one never
// shifts another. The candidate streams (leave, search, approach, release,
// return) are keyed
// by (week, practitioner): lane 0 of a candidate week's block is its uniform,
// lane 1 the gap to the next candidate, lane 2 an extra uniform (the
// approaching authority); lane 3 of the block of the week a practitioner
// joins gives the gap to the first. The excess streams are drawn only in
// weeks whose probability exceeds the bound.
enum Purpose : std::uint64_t {
  kPurposeInit = 1,
  kPurposeLeave = 2,
  kPurposeSearch = 3,
  kPurposeOffer = 4,
  kPurposeChoice = 5,
  kPurposeRelease = 6,
  kPurposeTieBreak = 7,
  kPurposeCapBreach = 9,
  kPurposeLeaveExcess = 10,
  kPurposeSearchExcess = 11,
  kPurposeApproach = 12,
  kPurposeApproachExcess = 13,
  kPurposeReleaseExcess = 14,
  kPurposeReturn = 15,
  kPurposeReturnExcess = 16,
};

// Thinning bounds, weekly probabilities: constants of the model, never of a
// scenario, so every scenario with the same seed shares each practitioner's
// candidate weeks. Chosen a little above the usual probabilities (a
// candidate is then often an event) but not so far that candidates are
// common; above a bound the excess is drawn, exactly but at a draw a week.
inline constexpr double kLeaveBound = 0.01;      // exit + career break (0.52 a year)
inline constexpr double kSearchBound = 0.02;     // job search in work (1.04 a year)
inline constexpr double kReturnBound = 0.03;     // looking for work out of it (1.6 a year)
inline constexpr double kApproachBound = 0.002;  // headhunting approaches (0.1 a year)
inline constexpr double kReleaseBound = 0.04;    // end of an agency or bank assignment (2 a year)
inline constexpr std::uint16_t kNoWeek = UINT16_MAX;  // no candidate within any run

// Whom a week visits at an authority whatever is due: its post holders
// (their stress could pass a bound), its locums and bank workers (their
// stress, or the probability an assignment ends, could pass a bound).
enum VisitAll : std::uint8_t { kVisitPosts = 1, kVisitLocums = 2 };

// Values of the `leaving` scratch column.
enum Leaving : std::uint8_t { kStay = 0, kExit = 1, kBreak = 2, kPlacementEnd = 3, kMoveDue = 4 };

// What an application is for: opening = authority * kOpeningKinds + kind.
enum Kind : int { kPermanentPost = 0, kAgencyPlacement = 1, kBankShift = 2 };
inline constexpr int kOpeningKinds = 3;

// The week's flows per authority (summed afresh each week), then the
// population's status transitions (off the diagonal: the diagonal follows
// from the stocks).
enum Acc : int {
  aStarters,
  aLeavers,
  aMovesIn,
  aMovesOut,
  aPermToAgency,
  aAgencyToPerm,
  aAgencyStarts,
  aAgencyEnds,
  aIncentivePence,  // one-off incentives: hellos and their stages, relocation, headhunting premiums
  aRecruitPence,
  aHeadhuntedIn,
  aHeadhuntedOut,
  kAccPerEmployer
};
inline constexpr std::size_t kGlobalAcc = kStatusCount * kStatusCount;
inline std::size_t accumulator_width(std::size_t employers) {
  return employers * kAccPerEmployer + kGlobalAcc;
}

// Stocks per authority, kept from week to week: each practitioner adds
// their contribution (LabourMarket::contribute) when visited and takes back
// the one they added before, so a week costs what happens in it. Counts by
// status, role and agency give every weekly cost as counts x prices;
// tenure as the sum of (tenure - aged_to), which grows by the post count a
// week.
enum Stock : int {
  sPosts,  // permanent and trainee
  sTrainees,
  sAgency,
  sBank,
  sTenureKey,    // sum over post holders of tenure_weeks - aged_to
  sRetained,     // post holders at or past the retention_payment tenure
  sPendingPerm,  // arrivals expected after a notice period (by target authority)
  sPendingAgency,
  sPendingBank,
  kFixedStocks
};
struct StockLayout {
  std::size_t agencies = 1;
  std::size_t per_employer() const {
    return kFixedStocks + kRoleCount * kRoleCount + kRoleCount + kRoleCount * agencies;
  }
  // Permanent (not trainee) post holders by the role of their scale and the
  // role they are paid as (progression_pathway).
  static std::size_t post_by_role(int scale, int paid) {
    return kFixedStocks + static_cast<std::size_t>(scale * kRoleCount + paid);
  }
  static std::size_t bank_by_role(int role) {
    return kFixedStocks + kRoleCount * kRoleCount + static_cast<std::size_t>(role);
  }
  std::size_t agency_by_role(int role, std::size_t firm) const {
    return kFixedStocks + kRoleCount * kRoleCount + kRoleCount +
           static_cast<std::size_t>(role) * agencies + firm;
  }
  // Per-authority stocks, then the population's status counts.
  std::size_t status_counts(std::size_t employers) const { return employers * per_employer(); }
  std::size_t width(std::size_t employers) const {
    return employers * per_employer() + kStatusCount;
  }
};

inline std::array<std::uint16_t, kRoleCount> role_thresholds_weeks(
    const std::array<double, kRoleCount>& years) {
  std::array<std::uint16_t, kRoleCount> w{};
  for (int r = 0; r < kRoleCount; ++r)
    w[r] = static_cast<std::uint16_t>(std::lround(years[r] * kWeeksPerYear));
  return w;
}

inline std::uint8_t role_of(std::uint16_t pqe_weeks,
                            const std::array<std::uint16_t, kRoleCount>& thresholds) {
  std::uint8_t r = 0;
  for (int k = 1; k < kRoleCount; ++k)
    if (pqe_weeks >= thresholds[k]) r = static_cast<std::uint8_t>(k);
  return r;
}

// Stress a practitioner settles at under a caseload: the relative excess over
// the threshold.
inline double stress_target(double caseload, double threshold) {
  return std::max(0.0, caseload / threshold - 1.0);
}

// Probability of at least one event in a week for an annual rate.
inline double weekly_probability(double rate_per_year) {
  return 1.0 - std::exp(-rate_per_year / kWeeksPerYear);
}

// The largest stress at which a hazard of base_rate x (1 + sensitivity x
// stress) a year surely has a weekly probability within `bound` (1 - exp(-h)
// <= h, with relative room for the rounding of the rate's computation):
// below it, a week without a candidate needs no probability computed. -inf
// where no stress is that low, +inf where every stress is. Only a shortcut:
// the exact path decides the same.
inline double quiet_stress(double base_rate, double sensitivity, double bound) {
  constexpr double kRoom = 1e-9;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const double limit = bound * kWeeksPerYear * (1 - kRoom);
  if (!(base_rate >= 0) || !(sensitivity >= 0)) return -kInf;
  if (base_rate == 0) return kInf;
  if (sensitivity == 0) return base_rate <= limit ? kInf : -kInf;
  const double s = (limit / base_rate - 1) / sensitivity;
  return s >= 0 ? s * (1 - kRoom) : -kInf;
}

inline std::uint64_t mix64(std::uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace pledgesim::models::detail
