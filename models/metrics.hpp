// The weekly series a run records, one value per authority per week.
#pragma once

#include <vector>

#include "sim/io/recorder.hpp"

namespace pledgesim::models {

// Order = column order of LabourMarket::week_series() and of RunInfo::series.
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

const std::vector<sim::SeriesSpec>& metric_specs();

}  // namespace pledgesim::models
