// Reporting periods of a run, in weeks.
//
// Year to 30 September (the DfE workforce collection's year): stocks are read
// in the week containing 30 September; flows are summed over the weeks after
// the previous such week (from the start for the first year).
// Financial year (1 April to 31 March): costs are summed over the weeks up to
// and including the week containing 31 March, from the week after the
// previous one. Periods are reported when their closing week is in the run;
// the first one may be partial (fewer than 52 weeks), which weeks() shows.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pledgesim::analysis {

enum class PeriodKind { kYearToSeptember, kFinancialYear };

struct Period {
  PeriodKind kind = PeriodKind::kYearToSeptember;
  int year = 0;  // year of the 30 September snapshot; or year the financial year ends
  std::size_t first_week = 0, last_week = 0;  // inclusive
  int weeks() const { return static_cast<int>(last_week - first_week + 1); }
  bool complete() const { return weeks() >= 52; }
  // "2018" (year to 30 Sep 2018) or "2018-19" (financial year April 2018 to March 2019).
  std::string label() const;
};

// Periods of `kind` for weeks starting on `dates` (ISO); throws
// std::invalid_argument naming the index of a malformed date.
std::vector<Period> make_periods(const std::vector<std::string>& dates, PeriodKind kind);

const char* period_kind_name(PeriodKind kind);  // "year_to_30_sep" / "financial_year"

}  // namespace pledgesim::analysis
