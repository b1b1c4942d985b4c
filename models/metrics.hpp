// The weekly series a run records, one value per authority per week.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/io/recorder.hpp"

namespace pledgesim::models {

// Order = column order of LabourMarket::week_series() and of RunInfo::series;
// kMetricTable below describes each, in the same order (checked at compile time).
enum Metric : int {
  kPermanentFte,
  kAgencyFte,
  kTraineeFte,
  kBankFte,
  kVacancies,
  kEstablishment,
  kStarters,
  kLeavers,
  kMovesIn,
  kMovesOut,
  kPermToAgency,
  kAgencyToPerm,
  kAgencyStarts,
  kAgencyEnds,
  kCaseload,
  kMeanStress,
  kMeanTenureWeeks,
  kPayCostGbp,
  kAgencyCostGbp,
  kAgencyMarginGbp,
  kMspFeeGbp,
  kBankCostGbp,
  kIncentiveCostGbp,
  kRecruitmentCostGbp,
  kPayIndex,
  kHeadhuntedIn,
  kHeadhuntedOut,
  kCapBreach,
  kAgencyScreenedOut,
  kMetricCount
};

// How a weekly value adds up over a period: a stock is a level at the end of
// the week (a period's value is its last week's), a flow is summed over the
// week (a period's value is the sum of its weeks).
enum Aggregation : std::uint8_t { kStock, kFlow };

struct MetricDef {
  Metric id;
  std::string_view name, units, description;
  bool integer;  // stored as int64 rather than float64
  Aggregation aggregation;
};

// The one list of the series: names, units, descriptions and integer flags
// are what a run writes (metric_specs()), in the order of Metric.
inline constexpr std::array<MetricDef, kMetricCount> kMetricTable = {{
    {kPermanentFte, "permanent_fte", "FTE",
     "practitioners in a post (permanent, including ASYE trainees) at the end of the week", true,
     kStock},
    {kAgencyFte, "agency_fte", "FTE", "agency practitioners placed at the end of the week", true,
     kStock},
    {kTraineeFte, "trainee_fte", "FTE",
     "practitioners in a post in their first (ASYE) year; included in permanent_fte", true, kStock},
    {kBankFte, "bank_fte", "FTE", "in-house bank practitioners covering vacancies here", true,
     kStock},
    {kVacancies, "vacancies", "FTE",
     "establishment minus permanent FTE (agency cover does not fill a post)", true, kStock},
    {kEstablishment, "establishment", "FTE", "funded permanent posts", true, kStock},
    {kStarters, "starters", "FTE", "practitioners who took a post here this week", true, kFlow},
    {kLeavers, "leavers", "FTE", "practitioners who left a post here this week (for anything else)",
     true, kFlow},
    {kMovesIn, "moves_in", "FTE", "starters who were permanent at another authority", true, kFlow},
    {kMovesOut, "moves_out", "FTE", "leavers who became permanent at another authority", true,
     kFlow},
    {kPermToAgency, "perm_to_agency", "FTE", "leavers who became agency workers (anywhere)", true,
     kFlow},
    {kAgencyToPerm, "agency_to_perm", "FTE", "starters who were agency workers (anywhere)", true,
     kFlow},
    {kAgencyStarts, "agency_starts", "FTE", "agency placements begun here this week", true, kFlow},
    {kAgencyEnds, "agency_ends", "FTE", "agency placements here that ended this week", true, kFlow},
    {kCaseload, "caseload", "cases per FTE", "cases divided by permanent, bank and agency FTE",
     false, kStock},
    {kMeanStress, "mean_stress", "1", "mean stress of practitioners working here (0 = none)", false,
     kStock},
    {kMeanTenureWeeks, "mean_tenure_weeks", "weeks",
     "mean tenure of permanent staff in their current post", false, kStock},
    {kPayCostGbp, "pay_cost_gbp", "GBP", "permanent pay plus employer on-costs this week", false,
     kFlow},
    {kAgencyCostGbp, "agency_cost_gbp", "GBP",
     "agency charges this week (worker pay, on-costs, margin)", false, kFlow},
    {kAgencyMarginGbp, "agency_margin_gbp", "GBP", "agency margin within agency_cost_gbp", false,
     kFlow},
    {kMspFeeGbp, "msp_fee_gbp", "GBP", "managed service provider fee within agency_cost_gbp", false,
     kFlow},
    {kBankCostGbp, "bank_cost_gbp", "GBP", "in-house bank pay plus on-costs this week", false,
     kFlow},
    {kIncentiveCostGbp, "incentive_cost_gbp", "GBP",
     "golden hellos, headhunting premiums, retention and relocation payments and progression "
     "pathway uplifts paid this week",
     false, kFlow},
    {kRecruitmentCostGbp, "recruitment_cost_gbp", "GBP",
     "recruitment cost of this week's permanent starters", false, kFlow},
    {kPayIndex, "pay_index", "1", "permanent pay relative to the pay scale (set each April)", false,
     kStock},
    {kHeadhuntedIn, "headhunted_in", "FTE",
     "moves_in that followed a headhunting approach by this authority", true, kFlow},
    {kHeadhuntedOut, "headhunted_out", "FTE",
     "moves_out that followed another authority's headhunting approach", true, kFlow},
    {kCapBreach, "cap_breach", "1",
     "1 when the authority paid locums over a cap in force this week", true, kStock},
    {kAgencyScreenedOut, "agency_screened_out", "FTE",
     "agency applicants turned away on references this week", true, kFlow},
}};

// Every row sits at its enum's index (a missing row is caught too: it would
// be value-initialised with id 0).
consteval bool metric_rows_in_enum_order() {
  for (std::size_t k = 0; k < kMetricTable.size(); ++k)
    if (kMetricTable[k].id != static_cast<Metric>(k)) return false;
  return true;
}
static_assert(metric_rows_in_enum_order(), "kMetricTable rows must follow the order of Metric");

inline constexpr const MetricDef& metric_def(Metric m) {
  return kMetricTable[static_cast<std::size_t>(m)];
}

// kMetricTable as the recorder's series specifications.
const std::vector<sim::SeriesSpec>& metric_specs();

}  // namespace pledgesim::models
