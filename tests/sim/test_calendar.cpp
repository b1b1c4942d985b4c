// Tests of sim/core/calendar.hpp: dates on the proleptic Gregorian calendar
// and the weekly clock that places annual and quarterly events.
#include "sim/core/calendar.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace pledgesim::sim {

// Lets GoogleTest print dates in failure messages.
[[maybe_unused]] static void PrintTo(const Date& d, std::ostream* os) {
  *os << d.iso();
}

namespace {

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

TEST(CalendarDate, EpochIsDayZero) {
  EXPECT_EQ(Date::from_ymd(1970, 1, 1).days(), 0);
  EXPECT_EQ(Date::from_ymd(1970, 1, 2).days(), 1);
  EXPECT_EQ(Date::from_ymd(1969, 12, 31).days(), -1);
  EXPECT_EQ(Date().days(), 0);
  // 2000-01-01 is 10957 days after the epoch (30 years, 7 of them leap).
  EXPECT_EQ(Date::from_ymd(2000, 1, 1).days(), 10957);
}

TEST(CalendarDate, ParsesValidDates) {
  const auto d = Date::parse("2017-10-01");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->year(), 2017);
  EXPECT_EQ(d->month(), 10u);
  EXPECT_EQ(d->day(), 1u);
  EXPECT_EQ(*d, Date::from_ymd(2017, 10, 1));

  ASSERT_TRUE(Date::parse("2016-02-29").has_value());  // leap year
  EXPECT_EQ(*Date::parse("2016-02-29"), Date::from_ymd(2016, 2, 29));
  ASSERT_TRUE(Date::parse("2000-02-29").has_value());  // divisible by 400: leap
  ASSERT_TRUE(Date::parse("1969-12-31").has_value());  // before the epoch
  EXPECT_EQ(Date::parse("1969-12-31")->days(), -1);
  ASSERT_TRUE(Date::parse("2017-12-31").has_value());
  ASSERT_TRUE(Date::parse("2017-01-31").has_value());
  ASSERT_TRUE(Date::parse("2017-04-30").has_value());
}

TEST(CalendarDate, RejectsDaysThatDoNotExist) {
  EXPECT_FALSE(Date::parse("2017-02-29").has_value());  // not a leap year
  EXPECT_FALSE(Date::parse("1900-02-29").has_value());  // divisible by 100, not 400
  EXPECT_FALSE(Date::parse("2016-02-30").has_value());
  EXPECT_FALSE(Date::parse("2017-04-31").has_value());
  EXPECT_FALSE(Date::parse("2017-13-01").has_value());
  EXPECT_FALSE(Date::parse("2017-00-10").has_value());
  EXPECT_FALSE(Date::parse("2017-01-00").has_value());
  EXPECT_FALSE(Date::parse("2017-01-32").has_value());
}

TEST(CalendarDate, RejectsMalformedStrings) {
  for (const char* bad :
       {"",           "2017",       "2017-1-01",   "2017-01-1",   "17-01-01",
        "20170101",   "2017/01/01", "2017-01-01 ", " 2017-01-01", "2017-01-011",
        "2017_01-01", "2017-01_01", "2017-0a-01",  "2017-01-0x",  "20a7-01-01",
        "-017-01-01", "+017-01-01", "2017--1-01",  "2017-01--1",  "2017-01-01T00"}) {
    EXPECT_FALSE(Date::parse(bad).has_value()) << "accepted '" << bad << "'";
  }
}

TEST(CalendarDate, IsoFormatsWithLeadingZeros) {
  EXPECT_EQ(Date::from_ymd(2017, 10, 1).iso(), "2017-10-01");
  EXPECT_EQ(Date::from_ymd(2016, 2, 29).iso(), "2016-02-29");
  EXPECT_EQ(Date::from_ymd(1970, 1, 1).iso(), "1970-01-01");
  EXPECT_EQ(Date::from_ymd(999, 3, 4).iso(), "0999-03-04");
}

TEST(CalendarDate, IsoRoundTripsThroughParseForEveryDayOfFourCenturies) {
  // 1800-01-01 .. 2199-12-31 covers every leap-year rule (1800, 1900, 2100
  // are not leap years, 2000 is). Each day must print and parse back to
  // itself, and consecutive days must print in strictly increasing order.
  const Date first = Date::from_ymd(1800, 1, 1);
  const Date last = Date::from_ymd(2199, 12, 31);
  std::string previous;
  std::int64_t count = 0;
  for (Date d = first; d <= last; d = d.plus_days(1), ++count) {
    const std::string s = d.iso();
    const auto back = Date::parse(s);
    ASSERT_TRUE(back.has_value()) << s;
    ASSERT_EQ(back->days(), d.days()) << s;
    ASSERT_LT(previous, s);
    previous = s;
  }
  // 400 Gregorian years have exactly 146097 days.
  EXPECT_EQ(count, 146097);
}

TEST(CalendarDate, ComponentsAgreeWithFromYmd) {
  for (int y : {1900, 1999, 2000, 2016, 2017, 2100}) {
    for (unsigned m = 1; m <= 12; ++m) {
      const Date d = Date::from_ymd(y, m, 1);
      EXPECT_EQ(d.year(), y);
      EXPECT_EQ(d.month(), m);
      EXPECT_EQ(d.day(), 1u);
    }
  }
}

TEST(CalendarDate, PlusDaysAndOrdering) {
  const Date d = Date::from_ymd(2016, 2, 28);
  EXPECT_EQ(d.plus_days(1), Date::from_ymd(2016, 2, 29));
  EXPECT_EQ(d.plus_days(2), Date::from_ymd(2016, 3, 1));
  EXPECT_EQ(Date::from_ymd(2017, 2, 28).plus_days(1), Date::from_ymd(2017, 3, 1));
  EXPECT_EQ(Date::from_ymd(2017, 12, 31).plus_days(1), Date::from_ymd(2018, 1, 1));
  EXPECT_EQ(d.plus_days(-59), Date::from_ymd(2015, 12, 31));
  EXPECT_LT(d, d.plus_days(1));
  EXPECT_GT(d, d.plus_days(-1));
  EXPECT_EQ(Date::from_days(d.days()), d);
}

TEST(CalendarClock, WeekStartIsSevenDaysApart) {
  const WeeklyClock clock(Date::from_ymd(2017, 10, 1));
  EXPECT_EQ(clock.start(), Date::from_ymd(2017, 10, 1));
  EXPECT_EQ(clock.week_start(0), Date::from_ymd(2017, 10, 1));
  EXPECT_EQ(clock.week_start(1), Date::from_ymd(2017, 10, 8));
  EXPECT_EQ(clock.week_start(13), Date::from_ymd(2017, 12, 31));
  EXPECT_EQ(clock.week_start(-1), Date::from_ymd(2017, 9, 24));
}

// weeks_in_years is the number of weeks needed to cover the years: the
// smallest W with 7 W >= days, so the last week may run up to six days past
// the anniversary (and a run of whole years sees every day of those years).
TEST(CalendarClock, WeeksInYearsCoversTheYears) {
  const WeeklyClock clock(Date::from_ymd(2017, 10, 1));
  // 2017-10-01 .. 2022-10-01 is 1826 days (2020 is leap): ceil(1826 / 7).
  EXPECT_EQ(clock.weeks_in_years(5), 261);
  EXPECT_EQ(clock.weeks_in_years(1), 53);  // 365 days
  EXPECT_EQ(clock.weeks_in_years(0), 0);
  EXPECT_EQ(clock.weeks_in_years(30), 1566);  // 10957 days
  // From a leap day, a year later is 28 February (365 days), four years
  // later is 29 February again (1461 days).
  const WeeklyClock leap(Date::from_ymd(2016, 2, 29));
  EXPECT_EQ(leap.weeks_in_years(1), 53);
  EXPECT_EQ(leap.weeks_in_years(4), 209);
  // A span of whole weeks needs no extra week: 2015-01-04 .. 2026-01-04 is
  // 4018 days = 574 weeks.
  EXPECT_EQ(WeeklyClock(Date::from_ymd(2015, 1, 4)).weeks_in_years(11), 574);
  // Cross-check against a day count for many start dates and spans.
  for (int y = 2015; y <= 2021; ++y) {
    for (unsigned m : {1u, 2u, 3u, 9u, 12u}) {
      const Date start = Date::from_ymd(y, m, 28);
      const WeeklyClock c(start);
      for (int years = 1; years <= 10; ++years) {
        const std::int64_t days = Date::from_ymd(y + years, m, 28).days() - start.days();
        const std::int64_t w = c.weeks_in_years(years);
        EXPECT_GE(7 * w, days) << start.iso() << " + " << years;
        EXPECT_LT(7 * (w - 1), days) << start.iso() << " + " << years;
        // The last day before the anniversary falls inside the run.
        EXPECT_TRUE(c.contains(w - 1, Date::from_ymd(y + years, m, 27))) << start.iso();
      }
    }
  }
}

TEST(CalendarClock, ContainsMatchesWeekBoundaries) {
  const WeeklyClock clock(Date::from_ymd(2017, 10, 1));
  EXPECT_TRUE(clock.contains(0, Date::from_ymd(2017, 10, 1)));
  EXPECT_TRUE(clock.contains(0, Date::from_ymd(2017, 10, 7)));
  EXPECT_FALSE(clock.contains(0, Date::from_ymd(2017, 10, 8)));
  EXPECT_FALSE(clock.contains(0, Date::from_ymd(2017, 9, 30)));
  EXPECT_TRUE(clock.contains(1, Date::from_ymd(2017, 10, 8)));
}

// Weeks (within `weeks` weeks of `clock`) in which `contains_annual` fires,
// each checked against a day-by-day scan of the week, and grouped by the
// calendar year of the date that fell in them.
std::map<int, int> annual_firings_by_year(const WeeklyClock& clock, std::int64_t weeks,
                                          unsigned month, unsigned day) {
  std::map<int, int> by_year;
  for (std::int64_t w = 0; w < weeks; ++w) {
    int year_in_week = 0;
    bool in_week = false;
    for (int k = 0; k < 7; ++k) {
      const Date d = clock.week_start(w).plus_days(k);
      if (d.month() == month && d.day() == day) {
        in_week = true;
        year_in_week = d.year();
      }
    }
    const bool fires = clock.contains_annual(w, month, day);
    EXPECT_EQ(fires, in_week) << "week " << w << " starting " << clock.week_start(w).iso();
    if (fires) ++by_year[year_in_week];
  }
  return by_year;
}

TEST(CalendarClock, AnnualEventFiresOncePerYearOverThirtyYears) {
  const WeeklyClock clock(Date::from_ymd(2017, 10, 1));
  const std::int64_t weeks = clock.weeks_in_years(30);  // 1566 weeks: to 2047-10-05
  const Date end = clock.week_start(weeks);             // first day not covered
  ASSERT_EQ(end, Date::from_ymd(2047, 10, 6));

  struct Case {
    unsigned month, day;
  };
  for (const Case c : {Case{9, 30}, Case{4, 1}, Case{1, 1}, Case{12, 31}, Case{10, 1}}) {
    const auto by_year = annual_firings_by_year(clock, weeks, c.month, c.day);
    // Expected: every year whose date lies in [start, end).
    std::vector<int> expected;
    for (int y = 2017; y <= 2047; ++y) {
      const Date d = Date::from_ymd(y, c.month, c.day);
      if (clock.start() <= d && d < end) expected.push_back(y);
    }
    std::vector<int> got;
    for (const auto& [year, n] : by_year) {
      EXPECT_EQ(n, 1) << c.month << "/" << c.day << " fired " << n << " times in " << year;
      got.push_back(year);
    }
    EXPECT_EQ(got, expected) << "month " << c.month << " day " << c.day;
  }
  // 30 September: 2018 .. 2047 (2017's is the day before the start), one
  // census date at the end of each simulated year.
  EXPECT_EQ(annual_firings_by_year(clock, weeks, 9, 30).size(), 30u);
  // 1 April: 2018 .. 2047.
  EXPECT_EQ(annual_firings_by_year(clock, weeks, 4, 1).size(), 30u);
  // 1 October 2017 is the start day itself: week 0 fires.
  EXPECT_TRUE(clock.contains_annual(0, 10, 1));
}

TEST(CalendarClock, LeapDayFiresOnlyInLeapYears) {
  const WeeklyClock clock(Date::from_ymd(2017, 10, 1));
  const std::int64_t weeks = clock.weeks_in_years(30);
  const auto by_year = annual_firings_by_year(clock, weeks, 2, 29);
  std::vector<int> got;
  for (const auto& [year, n] : by_year) {
    EXPECT_TRUE(is_leap(year)) << year;
    EXPECT_EQ(n, 1) << year;
    got.push_back(year);
  }
  EXPECT_EQ(got, (std::vector<int>{2020, 2024, 2028, 2032, 2036, 2040, 2044}));

  // Across 2100 (not a leap year): 2096 and 2104 fire, 2100 does not.
  const WeeklyClock c2(Date::from_ymd(2095, 1, 1));
  const auto by_year2 = annual_firings_by_year(c2, c2.weeks_in_years(12), 2, 29);
  std::vector<int> got2;
  for (const auto& [year, n] : by_year2) got2.push_back(year);
  EXPECT_EQ(got2, (std::vector<int>{2096, 2104}));
}

TEST(CalendarClock, QuarterStartsFourTimesAYear) {
  // Start mid-quarter and on a quarter day; the week containing 1 January
  // straddles two calendar years.
  for (const Date start : {Date::from_ymd(2017, 10, 1), Date::from_ymd(2018, 5, 17)}) {
    const WeeklyClock clock(start);
    const std::int64_t weeks = clock.weeks_in_years(30);
    std::map<int, int> per_year;
    std::int64_t fired = 0;
    for (std::int64_t w = 0; w < weeks; ++w) {
      bool quarter_day = false;
      for (int k = 0; k < 7; ++k) {
        const Date d = clock.week_start(w).plus_days(k);
        if (d.day() == 1 && (d.month() - 1) % 3 == 0) quarter_day = true;
      }
      const bool fires = clock.contains_quarter_start(w);
      EXPECT_EQ(fires, quarter_day) << clock.week_start(w).iso();
      if (fires) {
        ++fired;
        // Count by the year in which the week ends: a week that holds
        // 1 January counts towards the year that 1 January begins.
        ++per_year[clock.week_start(w).plus_days(6).year()];
      }
    }
    // As many firings as quarter days in the days covered: 30 years hold
    // 120, and the last week's extra days may hold one more.
    std::int64_t quarter_days = 0;
    for (Date d = start; d < clock.week_start(weeks); d = d.plus_days(1))
      if (d.day() == 1 && (d.month() - 1) % 3 == 0) ++quarter_days;
    EXPECT_EQ(fired, quarter_days);
    EXPECT_GE(fired, 120);
    EXPECT_LE(fired, 121);
    // Every full calendar year inside the span has exactly four.
    for (int y = start.year() + 1; y < start.year() + 30; ++y)
      EXPECT_EQ(per_year[y], 4) << start.iso() << ": year " << y;
  }
}

}  // namespace
}  // namespace pledgesim::sim
