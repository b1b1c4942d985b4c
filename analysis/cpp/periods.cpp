#include "analysis/cpp/periods.hpp"

#include <cstdio>
#include <stdexcept>

#include "sim/core/calendar.hpp"

namespace pledgesim::analysis {

std::string Period::label() const {
  if (kind == PeriodKind::kYearToSeptember) return std::to_string(year);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d-%02d", year - 1, ((year % 100) + 100) % 100);
  return buf;
}

const char* period_kind_name(PeriodKind kind) {
  return kind == PeriodKind::kYearToSeptember ? "year_to_30_sep" : "financial_year";
}

std::vector<Period> make_periods(const std::vector<std::string>& dates, PeriodKind kind) {
  const unsigned month = kind == PeriodKind::kYearToSeptember ? 9 : 3;
  const unsigned day = kind == PeriodKind::kYearToSeptember ? 30 : 31;
  std::vector<Period> out;
  std::size_t first = 0;
  for (std::size_t w = 0; w < dates.size(); ++w) {
    const auto d = sim::Date::parse(dates[w]);
    if (!d) throw std::invalid_argument("/time/date[" + std::to_string(w) + "] is not a date");
    // The closing date of this year, if it falls in the seven days of week w.
    const sim::Date close = sim::Date::from_ymd(d->plus_days(6).year(), month, day);
    if (!(*d <= close && close < d->plus_days(7))) continue;
    Period p;
    p.kind = kind;
    p.year = close.year();
    p.first_week = first;
    p.last_week = w;
    out.push_back(p);
    first = w + 1;
  }
  return out;
}

}  // namespace pledgesim::analysis
