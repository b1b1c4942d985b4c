// DfE-style annual indicators and costs per group of employers, per
// replication, computed from the weekly series of a run file.
//
// Definitions (DfE children's social work workforce collection; see
// docs/analysis.md and the shared data README), for a group of employers and
// the year to 30 September:
//   inpost_fte        permanent FTE at the snapshot
//   agency_fte        agency FTE at the snapshot
//   agency_rate       agency / (agency + in post), %
//   vacancies         vacant FTE at the snapshot (establishment - in post)
//   vacancy_rate      vacancies / (vacancies + in post), %
//   bank_fte          in-house bank FTE at the snapshot (when the run has it)
//   starters, leavers permanent starters / leavers summed over the year
//   turnover_rate     leavers in the year / in post at the snapshot, %
//   moves_in, moves_out  permanent moves between authorities (into / out of
//                     the group's authorities; moves within a group count both ways)
//   perm_to_agency, agency_to_perm  flows between permanent and agency work
//   mean_tenure_years mean tenure of permanent staff in their post (FTE-weighted)
//   caseload          cases per (permanent + bank + agency) FTE (FTE-weighted)
// and for the financial year (April to March):
//   pay_cost_gbp, agency_cost_gbp, agency_margin_gbp, msp_fee_gbp,
//   incentive_cost_gbp, bank_cost_gbp, recruitment_cost_gbp, total_cost_gbp
//   (= pay + agency + incentives + bank + recruitment, the last two when the
//   run records them; margin and MSP fee are within the agency charges),
//   filled_fte_years (permanent + bank + agency FTE summed over the weeks, in
//   years of 365.25 days),
//   cost_per_filled_fte_gbp (total / filled FTE-years), agency_premium_gbp
//   (agency charges per agency FTE-year - permanent pay and on-costs per
//   permanent FTE-year).
// An indicator whose series the file lacks is skipped (and listed); a value
// that is 0/0 (e.g. a rate for a group with nobody in post) is NaN.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analysis/cpp/grouping.hpp"
#include "analysis/cpp/periods.hpp"
#include "analysis/cpp/run_file.hpp"

namespace pledgesim::analysis {

// Sums of one group's series over a period (of one replication).
class GroupPeriod {
 public:
  virtual ~GroupPeriod() = default;
  virtual bool has(const std::string& series) const = 0;      // the file has it
  virtual double stock(const std::string& series) const = 0;  // at the period's last week
  virtual double flow(const std::string& series) const = 0;   // summed over its weeks
  // 0 when the file lacks the series (for optional components).
  double flow_if(const std::string& s) const { return has(s) ? flow(s) : 0.0; }
  double stock_if(const std::string& s) const { return has(s) ? stock(s) : 0.0; }
  // At the last week, sum over employers of series_a * (sum of the `weights`
  // series the file has).
  virtual double stock_weighted(const std::string& a,
                                const std::vector<std::string>& weights) const = 0;
};

struct IndicatorDef {
  std::string name, units, description;
  PeriodKind kind = PeriodKind::kYearToSeptember;
  std::vector<std::string> needs;     // series it reads
  std::vector<std::string> optional;  // series it adds in when the file has them
  std::function<double(const GroupPeriod&)> compute;
  // Terminal display: value * display_scale, `decimals` places, in display_units.
  double display_scale = 1;
  std::string display_units;
  int decimals = 0;
};

const std::vector<IndicatorDef>& indicator_defs();
const IndicatorDef* find_indicator(const std::string& name);

struct IndicatorTable {
  std::string path, scenario_name;
  std::size_t replications = 1;
  std::vector<IndicatorDef> indicators;  // computed, in indicator_defs() order
  std::vector<std::string> skipped;      // "bank_fte (no /series/bank_fte in the file)"
  std::vector<Group> groups;
  std::vector<Period> years, financial_years;

  const std::vector<Period>& periods(const IndicatorDef& d) const {
    return d.kind == PeriodKind::kYearToSeptember ? years : financial_years;
  }
  // The replications' values of indicator i for group g and period p.
  std::span<const double> replicates(std::size_t i, std::size_t g, std::size_t p) const;

  std::vector<std::vector<double>> values;  // [indicator][(g * periods + p) * R + r]
};

// The replications' values of `indicator` for the group named `group` in the
// period of `year` (the year to 30 September, or the financial year ending
// in it); none when the table lacks the indicator, the group or the year.
std::optional<std::span<const double>> find_replicates(const IndicatorTable& table,
                                                       const std::string& indicator,
                                                       const std::string& group, int year);

// `only`: indicator names to compute (empty: all). Throws FileError for an
// unreadable file, std::invalid_argument for an unknown indicator name.
IndicatorTable compute_indicators(const RunFile& run, Grouping by,
                                  const std::vector<std::string>& only = {});

}  // namespace pledgesim::analysis
