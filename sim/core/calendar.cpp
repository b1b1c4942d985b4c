#include "sim/core/calendar.hpp"

#include <chrono>
#include <cstdio>

namespace pledgesim::sim {

namespace chr = std::chrono;

namespace {
chr::year_month_day to_ymd(std::int64_t days) {
  return chr::year_month_day{chr::sys_days{chr::days{days}}};
}
}  // namespace

Date Date::from_ymd(int year, unsigned month, unsigned day) {
  const chr::sys_days sd{chr::year{year} / chr::month{month} / chr::day{day}};
  return Date(sd.time_since_epoch().count());
}

std::optional<Date> Date::parse(std::string_view iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t count) -> std::optional<int> {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (iso[i] < '0' || iso[i] > '9') return std::nullopt;
      value = value * 10 + (iso[i] - '0');
    }
    return value;
  };
  const auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (!y || !m || !d) return std::nullopt;
  const chr::year_month_day ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*m)},
                                chr::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return Date(chr::sys_days{ymd}.time_since_epoch().count());
}

int Date::year() const {
  return static_cast<int>(to_ymd(days_).year());
}
unsigned Date::month() const {
  return static_cast<unsigned>(to_ymd(days_).month());
}
unsigned Date::day() const {
  return static_cast<unsigned>(to_ymd(days_).day());
}

std::string Date::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year(), month(), day());
  return buf;
}

std::int64_t WeeklyClock::weeks_in_years(int years) const {
  const chr::year_month_day s = to_ymd(start_.days());
  chr::year_month_day end = s + chr::years{years};
  if (!end.ok()) end = end.year() / end.month() / chr::last;  // 29 Feb -> 28 Feb
  const std::int64_t days = chr::sys_days{end}.time_since_epoch().count() - start_.days();
  return (days + 6) / 7;  // the last week may run past the end date
}

bool WeeklyClock::contains(std::int64_t week, Date date) const {
  const Date first = week_start(week);
  return first <= date && date < first.plus_days(7);
}

bool WeeklyClock::contains_annual(std::int64_t week, unsigned month, unsigned day) const {
  const Date first = week_start(week);
  const Date last = first.plus_days(6);
  for (int y = first.year(); y <= last.year(); ++y) {
    const chr::year_month_day ymd{chr::year{y}, chr::month{month}, chr::day{day}};
    if (ymd.ok() && contains(week, Date::from_ymd(y, month, day))) return true;
  }
  return false;
}

bool WeeklyClock::contains_quarter_start(std::int64_t week) const {
  for (unsigned m : {1u, 4u, 7u, 10u})
    if (contains_annual(week, m, 1)) return true;
  return false;
}

}  // namespace pledgesim::sim
