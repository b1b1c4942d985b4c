// Calendar clock: weekly steps on the real (proleptic Gregorian) calendar, so
// that annual and quarterly events fall on the dates they fall on in reality.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pledgesim::sim {

// A calendar day, stored as days since 1970-01-01 (may be negative).
class Date {
 public:
  constexpr Date() = default;
  static Date from_ymd(int year, unsigned month, unsigned day);
  // Parses "YYYY-MM-DD"; nullopt when malformed or not a real day.
  static std::optional<Date> parse(std::string_view iso);
  static constexpr Date from_days(std::int64_t days) { return Date(days); }

  std::int64_t days() const { return days_; }
  int year() const;
  unsigned month() const;
  unsigned day() const;
  std::string iso() const;  // "YYYY-MM-DD"

  Date plus_days(std::int64_t n) const { return Date(days_ + n); }
  friend constexpr auto operator<=>(Date, Date) = default;

 private:
  constexpr explicit Date(std::int64_t days) : days_(days) {}
  std::int64_t days_ = 0;
};

// Week `w` covers the seven days [start + 7w, start + 7w + 7).
class WeeklyClock {
 public:
  explicit WeeklyClock(Date start) : start_(start) {}

  Date start() const { return start_; }
  Date week_start(std::int64_t week) const { return start_.plus_days(7 * week); }
  // Weeks needed to cover `years` calendar years from the start date (the
  // last week may end up to six days after the anniversary).
  std::int64_t weeks_in_years(int years) const;

  // True when the annual date (month, day) falls inside week `week`. Each
  // year's date falls in exactly one week, so an annual event fires once a
  // year (29 February fires only in leap years).
  bool contains_annual(std::int64_t week, unsigned month, unsigned day) const;
  // True when a quarter starts (1 Jan, 1 Apr, 1 Jul, 1 Oct) inside week `week`.
  bool contains_quarter_start(std::int64_t week) const;
  // True when `date` falls inside week `week`.
  bool contains(std::int64_t week, Date date) const;

 private:
  Date start_;
};

}  // namespace pledgesim::sim
